/**
 * The embedded default's data directory (`DATA_DIR`): one SQLite database, `ops.sqlite`, through
 * better-sqlite3. SQLite because it is one file an operator can copy, inspect and back up with
 * standard tools, every write is a transaction, and the same file holds the event log, the
 * capacity requests, the alerts and the audit trail with indexes for retention and queries.
 *
 * Durability: WAL with `synchronous = FULL`, so a transaction that returned is on disk, through a
 * `kill -9` and a power cut alike. better-sqlite3 is synchronous: a write blocks the event loop
 * for its fsync (about a millisecond per batch here), which is what makes "202 means stored" true.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

/** Schema steps, applied in order once each (PRAGMA user_version counts them). */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE log_batches (
     topic TEXT NOT NULL, partition INTEGER NOT NULL, first_offset INTEGER NOT NULL, count INTEGER NOT NULL,
     newest_at INTEGER NOT NULL, keys TEXT NOT NULL, vals TEXT NOT NULL, headers TEXT,
     PRIMARY KEY (topic, partition, first_offset)
   ) WITHOUT ROWID;
   CREATE INDEX log_batches_newest ON log_batches (newest_at);
   CREATE TABLE log_ends (topic TEXT NOT NULL, partition INTEGER NOT NULL, next_offset INTEGER NOT NULL, PRIMARY KEY (topic, partition)) WITHOUT ROWID;
   CREATE TABLE capacity_changes (
     request_id TEXT NOT NULL, seq INTEGER NOT NULL, at INTEGER NOT NULL, created_at INTEGER NOT NULL, change TEXT NOT NULL,
     UNIQUE (request_id, seq)
   );
   CREATE INDEX capacity_changes_created ON capacity_changes (created_at);
   CREATE TABLE alerts (id TEXT PRIMARY KEY, updated_at INTEGER NOT NULL, alert TEXT NOT NULL) WITHOUT ROWID;
   CREATE INDEX alerts_updated ON alerts (updated_at);
   CREATE TABLE audit_log (id TEXT PRIMARY KEY, at INTEGER NOT NULL, action TEXT NOT NULL, record TEXT NOT NULL) WITHOUT ROWID;
   CREATE INDEX audit_log_at ON audit_log (at, action);
   CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;`,
  // Values joined by newlines unless one holds a newline itself; then the run is a JSON array (1).
  `ALTER TABLE log_batches ADD COLUMN vals_json INTEGER NOT NULL DEFAULT 0;`,
];

export interface DataDir {
  readonly path: string;
  readonly db: SqliteDatabase;
  /** Bytes on disk: the database and its write-ahead log. */
  sizeBytes(): number;
  close(): void;
}

/** Opens (creating when missing) the database in `dir` and brings its schema up to date. */
export function openDataDir(dir: string): DataDir {
  const path = resolve(dir);
  mkdirSync(path, { recursive: true });
  const file = join(path, 'ops.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // NOTE: a checkpoint every ~4 MB of WAL keeps the log file small without a write per batch.
  db.pragma('wal_autocheckpoint = 1000');
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let step = version; step < MIGRATIONS.length; step++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[step]);
      db.pragma(`user_version = ${step + 1}`);
    })();
  }
  const size = (name: string) => {
    try {
      return statSync(join(path, name)).size;
    } catch {
      return 0;
    }
  };
  return {
    path,
    db,
    sizeBytes: () => size('ops.sqlite') + size('ops.sqlite-wal'),
    close: () => db.close(),
  };
}
