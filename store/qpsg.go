package store

// Every connection runs with SQLite's query planner stability guarantee
// (SQLITE_DBCONFIG_ENABLE_QPSG). Without it, each execution of nearly
// every query was parsed and planned again: SQLite 3.54 marks the
// parameter of a "column = ?" term to re-prepare the statement when it is
// bound anew (a planner heuristic for the values 0 and 1), and
// mattn/go-sqlite3 clears a cached statement's bindings before each
// execution, which expires a statement so marked. A tool's read cost 35
// to 45% less with the guarantee (BenchmarkToolReads). Our queries do not
// need plans made for particular values.
//
// mattn/go-sqlite3 does not expose sqlite3_db_config, so the connection's
// handle is read from its unexported field; TestConnectionsHaveQPSG fails
// if that stops working.

/*
typedef struct sqlite3 sqlite3;
int sqlite3_db_config(sqlite3*, int op, ...);

// kefu_qpsg sets SQLITE_DBCONFIG_ENABLE_QPSG (1007) on a connection (on:
// 1 or 0; -1 leaves it) and returns the setting after, or -1 on an error.
static int kefu_qpsg(void *db, int on) {
	int out = -1;
	if (sqlite3_db_config((sqlite3*)db, 1007, on, &out) != 0) return -1;
	return out;
}
*/
import "C"

import (
	"errors"
	"reflect"
	"unsafe"

	"github.com/mattn/go-sqlite3"
)

// connHandle returns the connection's sqlite3 handle.
func connHandle(c *sqlite3.SQLiteConn) (unsafe.Pointer, error) {
	f := reflect.ValueOf(c).Elem().FieldByName("db")
	if !f.IsValid() || f.Kind() != reflect.Pointer || f.IsNil() {
		return nil, errors.New("store: the sqlite3 driver's connection has no handle")
	}
	return f.UnsafePointer(), nil
}

// setQPSG sets the guarantee on (1) or off (0), or leaves it (-1), and
// returns the setting after.
func setQPSG(c *sqlite3.SQLiteConn, on int) (int, error) {
	db, err := connHandle(c)
	if err != nil {
		return 0, err
	}
	return int(C.kefu_qpsg(db, C.int(on))), nil
}

func enableQPSG(c *sqlite3.SQLiteConn) error {
	got, err := setQPSG(c, 1)
	if err != nil {
		return err
	}
	if got != 1 {
		return errors.New("store: unable to set the query planner stability guarantee")
	}
	return nil
}
