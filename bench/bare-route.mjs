// The yardstick: a bare Fastify route that does one insert (a prepared better-sqlite3 statement,
// WAL mode; or one pg query with --pg), measured in the same run as Tessera.
import Fastify from 'fastify';

const [, , port, target] = process.argv;
const app = Fastify({ logger: false });

if (target.startsWith('postgres')) {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: target, max: 10 });
  await pool.query(
    'create table if not exists bench_items (id serial primary key, name text not null, created_at timestamptz not null)',
  );
  app.post('/items', async (request) => {
    const { rows } = await pool.query('insert into bench_items (name, created_at) values ($1, $2) returning id', [
      request.body.name,
      new Date(),
    ]);
    return { id: rows[0].id };
  });
} else {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(target);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('create table if not exists items (id integer primary key, name text not null, created_at text not null)');
  const insert = db.prepare('insert into items (name, created_at) values (?, ?)');
  app.post('/items', async (request) => ({
    id: Number(insert.run(request.body.name, new Date().toISOString()).lastInsertRowid),
  }));
}

await app.listen({ port: Number(port), host: '127.0.0.1' });
process.stdout.write('ready\n');
