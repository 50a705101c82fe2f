import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { afterEach, beforeEach } from 'vitest';
import { Elb } from '../src/routers/aws-alb/client.js';

/**
 * Every ELBv2 client's send mocked while the tests of the calling `describe` run, and only then (tests
 * of the retry path elsewhere need the real send). Each Elb gets its own client: it adds its counting
 * middleware once.
 */
export function mockedElb(): { readonly mock: AwsClientStub<ElasticLoadBalancingV2Client>; elb: () => Elb } {
  let mock: AwsClientStub<ElasticLoadBalancingV2Client> | undefined;
  beforeEach(() => {
    mock = mockClient(ElasticLoadBalancingV2Client);
  });
  afterEach(() => mock?.restore());
  return {
    get mock() {
      if (!mock) throw new Error('the ELBv2 mock exists only while a test runs');
      return mock;
    },
    elb: () => new Elb(new ElasticLoadBalancingV2Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } })),
  };
}
