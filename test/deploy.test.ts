/**
 * The deployment files agree with each other and with what is tested:
 *
 * - the Dockerfile packs with the command the packed-install test runs and
 *   installs as it does, then runs unprivileged with its data in /data (no
 *   Docker daemon here: this is how the image is held to the tested steps);
 * - compose.yaml's services, addresses and settings fit the Dockerfile and
 *   deploy/nginx.conf;
 * - deploy/nginx.conf, its upstreams pointed at a real instance, passes
 *   `nginx -t` and proxies: health, posts whose client is the address nginx
 *   forwards, and a live event stream;
 * - deploy/parley.service carries the settings the docs promise
 *   (packed-install.e2e.test.ts runs `systemd-analyze verify` on it against
 *   the installed command), and deploy/parley.env, its settings' example,
 *   is taken by the server's own parser;
 * - a graceful stop fits in the time Docker, compose and systemd give it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseCommandLine } from '@parley/server';
import { type ListeningServer, startListening } from '@parley/server/testing/server-process';
import { openSse, type SseClient } from '@parley/server/testing/sse-client';
import type { LiveEventData } from '@parley/server/wire';
import { parse } from 'yaml';
import { nginxPath, type RunningNginx, startNginxWith } from './support/nginx.ts';
import {
  argsOf,
  healthcheckCommand,
  INSTALL_MANIFEST,
  NPM_INSTALL,
  PACK_COMMAND,
  ROOT,
  readDockerfile,
} from './support/packing.ts';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/**
 * The notification settings (README, "Notifications"): off until set, and
 * then needed alike by every instance of one database, since any instance's
 * worker may send any notification.
 */
const NOTIFICATION_SETTINGS = [
  'PARLEY_WEBHOOK_URL',
  'PARLEY_WEBHOOK_SECRET',
  'PARLEY_SMTP_URL',
  'PARLEY_MAIL_FROM',
  'PARLEY_OWNER_EMAIL',
  'PARLEY_OWNER_MAIL',
];

/**
 * The longest graceful stop, in seconds: the delivery worker lets its sends
 * finish (`stopGraceMs`, 5 s by default), then the HTTP server lets requests
 * in flight finish (`STOP_GRACE_MS` in main.ts, 10 s). Docker's default stop
 * timeout, 10 s, is shorter: every way of running it must give more.
 */
const LONGEST_STOP_S = 5 + 10;

/** Seconds in a compose duration (`30s`, `1m30s`). */
function composeSeconds(duration: string): number {
  const parts = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration);
  assert.ok(parts && duration, `a compose duration: ${duration}`);
  return Number(parts[1] ?? 0) * 60 + Number(parts[2] ?? 0);
}

/** The packed server's command name (its manifest's `publishConfig.bin`). */
const BIN_NAME = Object.keys(
  (JSON.parse(read('packages/server/package.json')) as { publishConfig: { bin: object } })
    .publishConfig.bin,
)[0];

describe('Dockerfile', () => {
  const dockerfile = readDockerfile();
  const [build, install, runtime] = dockerfile.stages;

  it('has a build, an install and a runtime stage, all on node:20-bookworm-slim', () => {
    assert.equal(dockerfile.stages.length, 3);
    assert.equal(dockerfile.args.get('NODE_IMAGE'), 'node:20-bookworm-slim');
    assert.deepEqual(
      dockerfile.stages.map((s) => [s.from, s.name]),
      [
        [`\${NODE_IMAGE}`, 'build'],
        [`\${NODE_IMAGE}`, 'install'],
        [`\${NODE_IMAGE}`, undefined],
      ],
    );
  });

  it("the build stage installs the workspace with the repository's pnpm, then runs the packed-install test's packing command", () => {
    const { packageManager } = JSON.parse(read('package.json')) as { packageManager: string };
    const runs = argsOf(build!, 'RUN');
    assert.deepEqual(argsOf(build!, 'COPY'), ['. .']);
    assert.deepEqual(runs.slice(-2), [
      `npx -y ${packageManager} install --frozen-lockfile`,
      [...PACK_COMMAND, '/tarballs'].join(' '),
    ]);
  });

  it("the install stage installs the server's tarball with the test's npm command, into the test's manifest", () => {
    assert.deepEqual(argsOf(install!, 'WORKDIR'), ['/app']);
    assert.deepEqual(argsOf(install!, 'COPY'), [
      `${INSTALL_MANIFEST} ./`,
      '--from=build /tarballs/ /tarballs/',
    ]);
    assert.deepEqual(
      argsOf(install!, 'RUN').at(-1),
      [...NPM_INSTALL, '/tarballs/parley-server-*.tgz'].join(' '),
    );
  });

  it('the runtime stage runs the installed command as a non-root user, its data in the /data volume', () => {
    assert.deepEqual(argsOf(runtime!, 'COPY'), ['--from=install /app /app']);
    const [user] = argsOf(runtime!, 'USER');
    assert.ok(user && !['root', '0'].includes(user), `USER ${user}`);
    assert.deepEqual(argsOf(runtime!, 'VOLUME'), ['/data']);
    assert.deepEqual(argsOf(runtime!, 'EXPOSE'), ['8787']);
    const env = argsOf(runtime!, 'ENV').join(' ');
    for (const setting of ['DATABASE_URL=/data/parley.db', 'HOST=0.0.0.0', 'PORT=8787']) {
      assert.match(env, new RegExp(`(^|\\s)${setting}(\\s|$)`), setting);
    }
    assert.deepEqual(argsOf(runtime!, 'ENTRYPOINT'), [`["/app/node_modules/.bin/${BIN_NAME}"]`]);
  });

  it('stops the server with SIGTERM, which it answers with a graceful stop, and says to give it 30 s', () => {
    assert.deepEqual(argsOf(runtime!, 'STOPSIGNAL'), ['SIGTERM']);
    const text = read('Dockerfile');
    assert.match(text, /docker run -d --stop-timeout 30 /);
    assert.match(text, /docker stop -t 30/);
  });

  it("checks health with node's fetch on /healthz, no curl", () => {
    const [node, flag, script] = healthcheckCommand(dockerfile);
    assert.deepEqual([node, flag], ['node', '-e']);
    assert.match(script ?? '', /fetch\('http:\/\/127\.0\.0\.1:'.*'\/healthz'/);
    for (const stage of dockerfile.stages) {
      for (const { args } of stage.instructions) assert.doesNotMatch(args, /\b(curl|wget)\b/);
    }
  });

  it('.dockerignore leaves out what a checkout built or installed, and keeps what the build reads', () => {
    const patterns = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    // Docker's matching: `**` any folders, `*` within one, a match covers what is below it.
    const glob = (part: string) =>
      part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
    const ignored = (path: string) =>
      patterns.some((pattern) =>
        new RegExp(`^${pattern.split('**/').map(glob).join('(.*/)?')}(/.*)?$`).test(path),
      );
    for (const path of [
      'node_modules/x',
      'packages/server/node_modules/x',
      'packages/widget/dist/widget.js',
      'packages/server/widget/widget.js',
      '.git/HEAD',
      'data/parley.db',
    ]) {
      assert.ok(ignored(path), `${path} is sent to the build`);
    }
    for (const path of [
      'package.json',
      'pnpm-lock.yaml',
      'pnpm-workspace.yaml',
      'tsconfig.base.json',
      'scripts/pack.mjs',
      'scripts/lib.mjs',
      // Both packages' prepack runs it.
      'scripts/pnpm-pack-only.mjs',
      INSTALL_MANIFEST,
      'packages/server/src/main.ts',
      'packages/server/src/data/export.ts',
      'packages/widget/src/index.ts',
      'packages/widget/custom-elements.json',
    ]) {
      assert.ok(!ignored(path), `${path} is left out of the build`);
    }
  });
});

interface ComposeService {
  build?: string;
  image?: string;
  stop_grace_period?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  networks?: Record<string, { ipv4_address?: string }> | string[];
}

describe('compose.yaml', () => {
  const compose = parse(read('compose.yaml'), { merge: true }) as {
    services: Record<string, ComposeService>;
    networks: Record<string, { ipam: { config: Array<{ subnet: string }> } }>;
  };
  const { services } = compose;
  const instances = ['parley-a', 'parley-b'];
  const env = services['parley-a']!.environment!;

  it('runs PostgreSQL, two Parley instances of one image built here, and nginx', () => {
    assert.deepEqual(Object.keys(services).sort(), ['nginx', ...instances, 'postgres']);
    for (const name of instances) {
      assert.equal(services[name]!.build, '.', name);
      assert.equal(services[name]!.image, services['parley-a']!.image, name);
    }
  });

  it('gives both instances the same settings, as every instance behind one balancer needs', () => {
    assert.deepEqual(services['parley-b']!.environment, env);
    for (const name of [
      'DATABASE_URL',
      'PARLEY_SECRET',
      'PARLEY_ADMIN_TOKEN',
      'PARLEY_ORIGINS',
      'PARLEY_PUBLIC_URL',
      'PARLEY_TRUSTED_PROXIES',
    ]) {
      assert.ok(env[name], `${name} is set`);
    }
  });

  it('gives both instances the notification settings alike, commented out in the shared block until used', () => {
    for (const name of NOTIFICATION_SETTINGS) assert.equal(env[name], undefined, `${name} is off`);
    // Uncommented, as an operator turns them on: every one reaches both
    // instances (so it sits in the shared block), from a variable of its own.
    const uncommented = read('compose.yaml').replace(/^(\s*)# (PARLEY_[A-Z_]+: )/gm, '$1$2');
    const on = (parse(uncommented, { merge: true }) as typeof compose).services;
    const [a, b] = instances.map((name) => on[name]!.environment!);
    assert.deepEqual(b, a);
    for (const name of NOTIFICATION_SETTINGS) {
      assert.match(a![name] ?? '', new RegExp(`^\\$\\{${name}(:\\?[^}]+|:-\\w+)\\}$`), name);
    }
    assert.deepEqual(
      Object.keys(a!).filter((name) => !(name in env)),
      NOTIFICATION_SETTINGS,
      'nothing else is commented out',
    );
  });

  it('gives each instance a stop grace period longer than its longest graceful stop, as the unit does', () => {
    for (const name of instances) {
      assert.equal(services[name]!.stop_grace_period, '30s', name);
    }
    const seconds = composeSeconds(services['parley-a']!.stop_grace_period!);
    assert.ok(seconds > LONGEST_STOP_S, `${seconds} s > ${LONGEST_STOP_S} s`);
    const unit = /^TimeoutStopSec=(\d+)$/m.exec(read('deploy/parley.service'))?.[1];
    assert.equal(Number(unit), seconds, 'TimeoutStopSec');
  });

  it('points them at the PostgreSQL service, with its user, password and database', () => {
    const postgres = services.postgres!.environment!;
    const url =
      /^postgres:\/\/([^:]+):(\$\{POSTGRES_PASSWORD:\?[^}]*\})@([^:/]+):5432\/(\w+)$/.exec(
        env.DATABASE_URL!,
      );
    assert.ok(url, env.DATABASE_URL);
    assert.deepEqual(
      [url[1], url[2], url[3], url[4]],
      [postgres.POSTGRES_USER, postgres.POSTGRES_PASSWORD, 'postgres', postgres.POSTGRES_DB],
    );
  });

  it('makes every secret a required variable, never a value in the file', () => {
    for (const value of [
      env.PARLEY_SECRET,
      env.PARLEY_ADMIN_TOKEN,
      services.postgres!.environment!.POSTGRES_PASSWORD,
    ]) {
      assert.match(value ?? '', /^\$\{[A-Z_]+:\?[^}]+\}$/);
    }
  });

  it("trusts nginx alone, at its fixed address in the network's subnet", () => {
    const networks = services.nginx!.networks as Record<string, { ipv4_address: string }>;
    const [network, { ipv4_address }] = Object.entries(networks)[0]!;
    assert.equal(env.PARLEY_TRUSTED_PROXIES, ipv4_address);
    const [subnet = ''] = compose.networks[network]!.ipam.config.map((c) => c.subnet);
    const [base = '', bits = ''] = subnet.split('/');
    const number = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
    const mask = 2 ** 32 - 2 ** (32 - Number(bits));
    assert.equal((number(ipv4_address) & mask) >>> 0, (number(base) & mask) >>> 0, subnet);
  });

  it('mounts deploy/nginx.conf, whose upstream is both instances on the port the image exposes', () => {
    assert.ok(
      services.nginx!.volumes?.includes('./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro'),
    );
    const upstream = /upstream parley \{([^}]*)\}/.exec(read('deploy/nginx.conf'))?.[1] ?? '';
    const servers = [...upstream.matchAll(/^\s*server\s+(\S+);/gm)].map((m) => m[1]);
    const [port] = argsOf(readDockerfile().stages.at(-1)!, 'EXPOSE');
    assert.deepEqual(
      servers,
      instances.map((name) => `${name}:${port}`),
    );
  });

  it('starts the second instance after the first is healthy (it migrates), and nginx after both', () => {
    const healthy = { condition: 'service_healthy' };
    assert.deepEqual(services['parley-a']!.depends_on, { postgres: healthy });
    assert.deepEqual(services['parley-b']!.depends_on, { 'parley-a': healthy });
    assert.deepEqual(services.nginx!.depends_on, { 'parley-a': healthy, 'parley-b': healthy });
  });
});

const nginx = nginxPath();

function nginxSkip(): string | undefined {
  if (nginx) return undefined;
  const message = 'nginx is missing: the test of deploy/nginx.conf is SKIPPED.';
  if (process.env.CI) throw new Error(`${message} CI runs every suite.`);
  console.warn(`\n!!! ${message}\n`);
  return message;
}

describe('deploy/nginx.conf in front of a real instance', { skip: nginxSkip() }, () => {
  let server: ListeningServer;
  let proxy: RunningNginx;
  const streams: SseClient[] = [];
  const key = encodeURIComponent(`/deploy/${randomBytes(4).toString('hex')}`);

  before(async () => {
    server = await startListening({
      PARLEY_TRUSTED_PROXIES: '127.0.0.1',
      PARLEY_RATE_LIMIT: '1',
      PARLEY_ORIGINS: '',
      PARLEY_VERIFY_URLS: 'off',
    });
    // The file as compose mounts it, with only its addresses changed to this machine's.
    proxy = await startNginxWith(nginx!, (port) => {
      let config = read('deploy/nginx.conf');
      for (const [from, to] of [
        ['server parley-a:8787;', `server ${server.address};`],
        ['server parley-b:8787;', `server ${server.address};`],
        ['listen 80;', `listen 127.0.0.1:${port};`],
      ] as const) {
        assert.equal(config.split(from).length, 2, `deploy/nginx.conf has one "${from}"`);
        config = config.replace(from, to);
      }
      return config;
    });
  });

  after(async () => {
    for (const stream of streams) stream.close();
    await proxy?.stop();
    await server?.stop(3_000);
  });

  /** Posts through nginx from the loopback address `from`, which nginx forwards as the client's. */
  function post(body: string, from: string) {
    const payload = JSON.stringify({ author: 'Deployer', body });
    return new Promise<number>((resolve, reject) => {
      const req = request(
        `${proxy.url}/api/threads/${key}/messages`,
        {
          method: 'POST',
          localAddress: from,
          agent: false,
          headers: { 'Content-Type': 'application/json' },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  it('proxies /healthz', async () => {
    const res = await fetch(`${proxy.url}/healthz`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { status: string }).status, 'ok');
  });

  it("forwards each reader's address, which the instance believes: one rate limit per reader", async () => {
    assert.equal(await post('first from .2', '127.0.0.2'), 201);
    assert.equal(await post('second from .2', '127.0.0.2'), 429);
    assert.equal(await post('first from .3', '127.0.0.3'), 201);
  });

  it('passes a live event on through the events location', async () => {
    const stream = await openSse(`${proxy.url}/api/threads/${key}/events`);
    streams.push(stream);
    assert.equal(stream.response.status, 200);
    assert.match(stream.response.headers.get('Content-Type') ?? '', /^text\/event-stream/);
    assert.equal(await post('arrives live', '127.0.0.4'), 201);
    await stream.until('the new message', () =>
      stream.events.some((e) => {
        const data = JSON.parse(e.data) as LiveEventData;
        return data.type === 'message.created' && data.message.html.includes('arrives live');
      }),
    );
  });
});

describe('deploy/parley.service', () => {
  const unit = new Map<string, string[]>();
  for (const line of read('deploy/parley.service').split('\n')) {
    const m = /^(\w+)=(.*)$/.exec(line.trim());
    if (m) unit.set(m[1]!, [...(unit.get(m[1]!) ?? []), m[2]!]);
  }
  const one = (name: string) => unit.get(name)?.join(' | ');

  it('runs the command installed in /opt/parley', () => {
    assert.equal(one('ExecStart'), `/opt/parley/node_modules/.bin/${BIN_NAME}`);
  });

  it('is hardened: a dynamic user, a read-only system but its state folder, no new privileges', () => {
    assert.deepEqual(
      [
        'DynamicUser',
        'StateDirectory',
        'ProtectSystem',
        'ProtectHome',
        'PrivateTmp',
        'NoNewPrivileges',
      ].map(one),
      ['yes', 'parley', 'strict', 'yes', 'yes', 'yes'],
    );
  });

  it('keeps its database in its state folder, reads optional settings from /etc/parley/env, and restarts on failure', () => {
    assert.ok(unit.get('Environment')?.includes('DATABASE_URL=/var/lib/parley/parley.db'));
    assert.equal(one('EnvironmentFile'), '-/etc/parley/env');
    assert.equal(one('Restart'), 'on-failure');
  });

  it('gives a graceful stop 30 s before systemd kills it', () => {
    assert.ok(Number(one('TimeoutStopSec')) > LONGEST_STOP_S);
    assert.equal(one('TimeoutStopSec'), '30');
  });
});

describe('deploy/parley.env, the example of /etc/parley/env', () => {
  /** Its `NAME=value` lines, as systemd reads them; `commented` also reads the `# NAME=value` ones. */
  function settings(commented: boolean): Map<string, string> {
    const found = new Map<string, string>();
    for (const line of read('deploy/parley.env').split('\n')) {
      const m = new RegExp(`^${commented ? '(?:# )?' : ''}([A-Z][A-Z_]*)=(.*)$`).exec(line);
      if (m) found.set(m[1]!, m[2]!.trim());
    }
    return found;
  }

  it('sets what a fresh install needs and offers, commented, every setting compose shares, notifications included', () => {
    assert.deepEqual([...settings(false).keys()].sort(), ['PARLEY_ORIGINS', 'PARLEY_PUBLIC_URL']);
    const offered = new Set(settings(true).keys());
    const compose = parse(read('compose.yaml').replace(/^(\s*)# (PARLEY_[A-Z_]+: )/gm, '$1$2'), {
      merge: true,
    }) as { services: Record<string, ComposeService> };
    // DATABASE_URL is the unit's own (its state folder).
    const shared = Object.keys(compose.services['parley-a']!.environment!).filter(
      (name) => name !== 'DATABASE_URL',
    );
    assert.deepEqual(
      shared.filter((name) => !offered.has(name)),
      [],
    );
    for (const name of NOTIFICATION_SETTINGS) assert.ok(offered.has(name), name);
  });

  it('is taken by the server, every line uncommented and the secrets it leaves blank filled in', () => {
    const env = Object.fromEntries(settings(true));
    const blank = Object.keys(env).filter((name) => env[name] === '');
    assert.deepEqual(blank.sort(), [
      'PARLEY_ADMIN_TOKEN',
      'PARLEY_SECRET',
      'PARLEY_WEBHOOK_SECRET',
    ]);
    // What the comments beside them say to run.
    env.PARLEY_ADMIN_TOKEN = randomBytes(24).toString('base64');
    env.PARLEY_SECRET = randomBytes(32).toString('base64');
    env.PARLEY_WEBHOOK_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
    const command = parseCommandLine([], { ...env, DATABASE_URL: '/var/lib/parley/parley.db' });
    assert.equal(command.kind, 'serve');
    const { config } = command as Extract<typeof command, { kind: 'serve' }>;
    assert.equal(config.PARLEY_MAIL_FROM, env.PARLEY_MAIL_FROM);
    assert.equal(config.PARLEY_OWNER_MAIL, 'each');
    assert.equal(config.PARLEY_WEBHOOK_URL, env.PARLEY_WEBHOOK_URL);
  });
});
