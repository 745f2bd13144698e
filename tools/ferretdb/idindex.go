package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the driver FerretDB's SQLite backend uses, so both read the files alike
)

// FerretDB 1.24's SQLite backend looks a document up by _id with
//
//	WHERE _ferretdb_sjson->'$._id' = ?
//
// but creates the _id index on _ferretdb_sjson->"_id". SQLite matches an index only to the same
// expression written the same way, so the index is never used and every lookup by _id reads and
// parses every document of the collection (bench/: a chat message's cost grew with the number of
// conversations stored). keepIDIndexes adds, to every collection table, an index on the expression
// the lookup uses, and keeps doing so for collections created later.
const idIndexSuffix = "_ferretdb_id_lookup"

// idIndexInterval is how soon a newly created collection gets its index.
const idIndexInterval = 2 * time.Second

func keepIDIndexes(ctx context.Context, dir string, logger *slog.Logger) {
	dbs := map[string]*sql.DB{}
	defer func() {
		for _, db := range dbs {
			_ = db.Close()
		}
	}()
	done := map[string]bool{} // "file|table" already indexed

	for {
		files, _ := filepath.Glob(filepath.Join(dir, "*.sqlite"))
		for _, file := range files {
			db := dbs[file]
			if db == nil {
				var err error
				// The same pragmas FerretDB sets: wait for its writers rather than fail.
				db, err = sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(wal)")
				if err != nil {
					logger.Warn("id index: cannot open", "file", file, "error", err)
					continue
				}
				db.SetMaxOpenConns(1)
				dbs[file] = db
			}
			if err := indexTables(ctx, db, file, done); err != nil && ctx.Err() == nil {
				logger.Warn("id index: cannot index", "file", file, "error", err)
			}
		}

		select {
		case <-ctx.Done():
			return
		case <-time.After(idIndexInterval):
		}
	}
}

func indexTables(ctx context.Context, db *sql.DB, file string, done map[string]bool) error {
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM "_ferretdb_collections"`)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return nil // a database FerretDB has not set up yet
		}
		return err
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		if !done[file+"|"+t] {
			tables = append(tables, t)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	for _, t := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, t+idIndexSuffix, t)
		if _, err := db.ExecContext(ctx, q); err != nil {
			if strings.Contains(err.Error(), "no such table") {
				continue // dropped in between
			}
			return err
		}
		done[file+"|"+t] = true
	}
	return nil
}
