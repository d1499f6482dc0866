package store

import (
	"context"
	"database/sql"
	"testing"

	"github.com/mattn/go-sqlite3"
)

// Every connection, the writer's and the readers', runs with the query
// planner stability guarantee: without it, each execution of a query with
// a "column = ?" term is parsed and planned again (see qpsg.go).
func TestConnectionsHaveQPSG(t *testing.T) {
	ctx := context.Background()
	st := openFresh(t)
	for name, db := range map[string]*sql.DB{"writer": st.w, "reader": st.r, "checkpointer": st.cp} {
		conn, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		err = conn.Raw(func(dc any) error {
			got, err := setQPSG(dc.(*sqlite3.SQLiteConn), -1)
			if err != nil {
				return err
			}
			if got != 1 {
				t.Errorf("%s connection: QPSG is %d, want 1", name, got)
			}
			return nil
		})
		conn.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
}
