#!/usr/bin/env node
import { buildProgram } from './program.js';
import { tuneV8ForServing } from './v8-tuning.js';

tuneV8ForServing();
await (await buildProgram(process.argv)).parseAsync(process.argv);
