#!/usr/bin/env node
import { main } from '../dist/bundle/zpi.js';

main(process.argv).then((code) => {
  process.exitCode = code;
});
