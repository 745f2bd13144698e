// Command ferretdb runs FerretDB 1.24.2 embedded, as the project's default store when
// MONGODB_URI is unset and as the test store (see ../../shared/STORE.md for why a plain
// `go install` of FerretDB does not work).
//
// It prints one JSON line {"uri": "..."} on stdout once it accepts connections, and exits
// when it gets SIGINT/SIGTERM or when its stdin closes, so a crashed parent never leaves
// an orphaned store behind.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "TCP address to listen on")
	handler := flag.String("handler", "sqlite", "backend: sqlite or postgresql")
	dataDir := flag.String("data-dir", "", "directory for the SQLite backend")
	pgURL := flag.String("postgresql-url", "", "PostgreSQL URL for the postgresql backend")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	watchStdin := flag.Bool("exit-on-stdin-close", true, "exit when stdin reaches EOF")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fail("bad -log-level: %v", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	cfg := &ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listen},
		Logger:   logger,
		Handler:  *handler,
	}
	switch *handler {
	case "sqlite":
		if *dataDir == "" {
			fail("-data-dir is required for the sqlite backend")
		}
		abs, err := filepath.Abs(*dataDir)
		if err != nil {
			fail("bad -data-dir: %v", err)
		}
		if err := os.MkdirAll(abs, 0o700); err != nil {
			fail("cannot create %s: %v", abs, err)
		}
		// A directory URL: one SQLite file per database. mode=memory can hang (STORE.md).
		cfg.SQLiteURL = "file:" + abs + "/"
	case "postgresql":
		if *pgURL == "" {
			fail("-postgresql-url is required for the postgresql backend")
		}
		cfg.PostgreSQLURL = *pgURL
	default:
		fail("unknown -handler %q", *handler)
	}

	f, err := ferretdb.New(cfg)
	if err != nil {
		fail("%v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := f.Run(ctx); err != nil {
			logger.Error("run failed", "error", err)
		}
	}()

	// MongoDBURI waits until the listener is bound, which is what makes port 0 usable.
	line, _ := json.Marshal(map[string]string{"uri": f.MongoDBURI()})
	fmt.Println(string(line))

	if *handler == "sqlite" {
		go keepIDIndexes(ctx, strings.TrimSuffix(strings.TrimPrefix(cfg.SQLiteURL, "file:"), "/"), logger)
	}

	<-done
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "ferretdb: "+format+"\n", args...)
	os.Exit(1)
}
