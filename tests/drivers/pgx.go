// pgx (v4, as Debian packages it) logs in with the URI given and prints
// current_user|session_user.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/jackc/pgx/v4"
)

func main() {
	connection, err := pgx.Connect(context.Background(), os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer connection.Close(context.Background())
	var who string
	err = connection.QueryRow(context.Background(), "select current_user || '|' || session_user").Scan(&who)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(who)
}
