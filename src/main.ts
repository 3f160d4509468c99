// Process entry: load config → make deps → run the command (serve by default). Nothing else.
import { loadConfig, ConfigError } from './config/load.ts';
import { runCommand } from './cli/index.ts';
import { MasterKeyError } from './runtime/secrets.ts';
import { StartupError } from './cli/startup-refusal.ts';

try {
  const { config, args, extra } = loadConfig(process.argv.slice(2));
  const code = await runCommand(config, args, extra);
  if (code !== undefined) process.exit(code);
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`cognate: ${e.message}\n`);
    process.exit(2);
  }
  // A refusal to run as configured (another master key on a shared database, a malformed key) says why in one line;
  // a stack trace is for what nobody foresaw.
  if (e instanceof MasterKeyError || e instanceof StartupError) {
    process.stderr.write(`cognate: ${e.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`cognate: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
}
