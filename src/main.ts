// Process entry: load config → make deps → run the command (serve by default). Nothing else.
import { loadConfig, ConfigError } from './config/load.ts';
import { runCommand } from './cli/index.ts';

try {
  const { config, args, extra } = loadConfig(process.argv.slice(2));
  const code = await runCommand(config, args, extra);
  if (code !== undefined) process.exit(code);
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`cognate: ${e.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`cognate: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
}
