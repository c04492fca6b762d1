import { describe, expect, it } from 'vitest';
import { loadContracts } from '../../pipelines/ingest/contracts.ts';
import { ensureSchema } from '../../pipelines/ingest/schema.ts';
import { loadConfig } from '../../pipelines/lib/config.ts';
import { createDb } from '../../pipelines/lib/db.ts';
import { describeSnapshot, settingsOf, takeSnapshot } from '../../pipelines/model/snapshot.ts';

// Telling whether a pack is current describes what is loaded as a snapshot without writing it:
// the same ID a build records, and no snapshots table made for it.

describe('describeSnapshot', () => {
  it('gives the ID takeSnapshot records, and writes nothing', async () => {
    const db = await createDb(':memory:');
    try {
      const config = loadConfig();
      await ensureSchema(db, loadContracts(config));
      await db.run(`insert into ingested_files (load_id, sha256, file_name, dataset, force, loaded_at, bytes, encoding, delimiter, rows_read, rows_loaded, rows_quarantined, rows_excluded, rows_duplicate, rows_blank, keys_replaced, columns_dropped, columns_ignored, archive_path)
        values (1, 'abc', 'incidents.csv', 'incidents', 'West Mercia', '2025-10-14 01:30:00', 10, 'utf-8', ',', 3, 3, 0, 0, 0, 0, 0, [], [], 'records/abc.csv.gz')`);
      const input = { settings: settingsOf(config), queriesSha256: 'q', version: 'v' };
      const described = await describeSnapshot(db, input);
      expect(await db.all(`select 1 from duckdb_tables() where table_name = 'snapshots'`)).toEqual([]);
      expect(described.through_load_id).toBe(1);
      const taken = await takeSnapshot(db, { ...input, createdAt: new Date('2025-10-14T01:31:00Z') });
      expect(taken).toEqual(described);
      expect(await db.all<{ id: string }>('select snapshot_id as id from snapshots')).toEqual([{ id: described.id }]);
    } finally {
      db.close();
    }
  });
});
