// An exec credential plugin, as a kubeconfig's `users[].user.exec` names one: prints an ExecCredential
// whose token it reads from the file given as its argument, so the token is minted at run time and is
// never written in the kubeconfig. With `stall` it answers nothing for 5 s, then fails, as a plugin
// waiting for an interactive login would.
import { readFileSync } from 'node:fs';

const [source] = process.argv.slice(2);
if (source === 'stall') {
  setTimeout(() => process.exit(1), 5000);
} else {
  const token = readFileSync(source, 'utf8').trim();
  process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token } }));
}
