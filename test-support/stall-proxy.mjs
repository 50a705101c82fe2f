// A TCP proxy in front of a real server that stalls on cue: after `stall()`, connections are still
// accepted, and nothing moves in either direction, as with a server that hangs (overloaded, or behind a
// network that drops packets). Open connections stall too, so a client's kept-alive connection cannot
// reach the server around it.
import { connect, createServer } from 'node:net';

/** @param {string} target an `https://host:port` address; returns the proxy's address in the same form. */
export async function startStallProxy(target) {
  const { hostname, port } = new URL(target);
  const sockets = new Set();
  const state = { stalled: false, acceptedWhileStalled: 0, bytesWhileStalled: 0 };
  const track = (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    if (state.stalled) state.acceptedWhileStalled++;
    const upstream = connect(Number(port), hostname);
    track(client);
    track(upstream);
    const forward = (from, to) =>
      from.on('data', (chunk) => {
        if (state.stalled) state.bytesWhileStalled += chunk.length;
        else to.write(chunk);
      });
    forward(client, upstream);
    forward(upstream, client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${server.address().port}`,
    state,
    stall() {
      state.stalled = true;
    },
    stop() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
