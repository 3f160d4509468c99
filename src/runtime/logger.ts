// Structured JSON logging (one line per event); never pass passwords or secrets to it.

export type Level = 'debug' | 'info' | 'warn' | 'error';
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function jsonLogger(level: Level = 'info', write: (line: string) => void = (l) => process.stderr.write(l + '\n')): Logger {
  const min = order[level];
  const log = (lvl: Level) => (msg: string, fields?: Record<string, unknown>) => {
    if (order[lvl] < min) return;
    write(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields }));
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** Collects entries in memory; tests read `entries`. */
export function memoryLogger(): Logger & { entries: { level: Level; msg: string; fields?: Record<string, unknown> }[] } {
  const entries: { level: Level; msg: string; fields?: Record<string, unknown> }[] = [];
  const log = (level: Level) => (msg: string, fields?: Record<string, unknown>) => void entries.push({ level, msg, fields });
  return { entries, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
