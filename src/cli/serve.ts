// The serve command: build the server, listen, print the ready line, stop cleanly on SIGTERM/SIGINT.
import type { Config } from '../config/schema.ts';
import { makeDeps } from '../deps.ts';
import { buildServer } from '../server.ts';
import { startHousekeeping } from '../runtime/housekeeping.ts';

export async function serve(config: Config): Promise<void> {
  const { deps, adminGenerated } = await makeDeps(config);
  const app = buildServer(deps);
  if (config.dev)
    deps.logger.warn('DEV MODE: admin calls accept a SigV4 signature by ANY key and the outbox is open. Never use --dev in production.');
  if (adminGenerated) {
    process.stdout.write(
      `Generated the admin key pair (stored in ${config.dataDir}/admin-credentials.json, shown only this once):\n` +
        `  AWS_ACCESS_KEY_ID=${deps.admin.accessKeyId}\n  AWS_SECRET_ACCESS_KEY=${deps.admin.secretAccessKey}\n`,
    );
  }
  await app.listen({ host: config.host, port: config.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  process.stdout.write(`Cognate listening on http://${host}:${port}\n`);

  const stopHousekeeping = startHousekeeping(deps);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    deps.logger.info('stopping', { signal });
    try {
      stopHousekeeping();
      await app.close(); // stops accepting, waits for requests in flight
      await deps.store.close();
      process.exit(0);
    } catch (e) {
      deps.logger.error('error while stopping', { error: String(e) });
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
