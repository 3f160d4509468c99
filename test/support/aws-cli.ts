// Test support: the aws CLI (botocore), run by its own executable. Under pyenv, `aws` on the PATH is a shim (a shell
// script that runs pyenv to pick a Python before the CLI starts), which costs about a second per call; the
// executable it would run is asked for once.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

function awsExecutable(): string | undefined {
  const pyenv = spawnSync('pyenv', ['which', 'aws'], { encoding: 'utf8' });
  const found = pyenv.status === 0 ? pyenv.stdout.trim() : '';
  if (found && spawnSync(found, ['--version']).status === 0) return found;
  return spawnSync('aws', ['--version']).status === 0 ? 'aws' : undefined;
}

const awsCli = awsExecutable();

/** Why tests of the aws CLI are skipped, or false when it is installed. */
export const noAwsCli: string | false = awsCli === undefined ? 'the aws CLI is not installed' : false;

/** Runs the aws CLI with `args` (killed, failing the call, if it has not finished within a minute). */
export const runAws = (args: string[], o: { env: NodeJS.ProcessEnv }) => exec(awsCli ?? 'aws', args, { ...o, timeout: 60_000 });
