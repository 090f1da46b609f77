import fs from 'node:fs';
import path from 'node:path';
import { spawnCli } from '../helpers/cli';

const { version } = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };

// The compiled CLI's --version is checked in package-user.test.ts; this is the checkout's.
test.each(['--version', '-v'])('updown %s prints the version in package.json, and nothing else', async (flag) => {
  expect(await spawnCli([flag])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
});
