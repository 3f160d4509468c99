#!/usr/bin/env node
// The `cognate` command: runs src/main.ts through tsx (Cognate ships as TypeScript; no build step needed).
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/main.ts', import.meta.url).href);
