package bare

import (
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// The chat baseline: a chat server with no application around it, which the
// chat load benchmark (e2e/chatload_bench_test.go) drives as it drives
// sotepe's chats.
//
//   - POST /sessions makes a session and answers 201 with its cookie
//     (ChatCookie). There are no users and no passwords.
//   - POST /chats/{id}/messages with a JSON body {"message": "…"} inserts
//     the message with one prepared INSERT in a transaction of its own,
//     wakes this process's streams of chat id after the commit, and answers
//     201. On PostgreSQL the transaction also sends a NOTIFY (as sotepe's
//     store does), so that other processes on the database wake theirs.
//   - GET /chats/{id}/events is a Server-Sent Events stream of the chat's
//     new messages: after each wake it reads the chat's rows after the last
//     one it sent, by id, and sends each as `id: <row id>`, `event:
//     message`, `data: {"body": "…"}`. Last-Event-ID or ?last_event_id=
//     resumes after a row.
//
// Every request but POST /sessions needs a session cookie; the check is one
// map lookup under a read lock (sotepe reads the session and checks that
// the user may see the chat). Any session may read and write any chat, and
// a chat is any positive id: nothing says who is in it, nothing is
// checked, screened, audited or counted. Messages are kept as sent.

// ChatCookie is the name of the baseline's session cookie.
const ChatCookie = "bare_session"

// chatMaxBody bounds a message request's body.
const chatMaxBody = 64 << 10

// ChatServer is the chat baseline, an http.Handler. Make one with NewChat;
// it is safe for concurrent use.
type ChatServer struct {
	db     *DB
	reads  *sql.DB   // a query-only pool on SQLite, db's pool on PostgreSQL
	insert *sql.Stmt // one message
	notify *sql.Stmt // PostgreSQL: the NOTIFY of a message; nil on SQLite
	after  *sql.Stmt // a chat's messages after a row
	// channel is the NOTIFY channel (one per schema) and origin this
	// server's name on it, so that its listener skips its own notices.
	channel, origin string

	mu   sync.Mutex
	subs map[int64]map[chan struct{}]struct{}

	sessMu   sync.RWMutex
	sessions map[string]struct{}
}

// NewChat opens the database dsn names with Open and readers beside it as
// package store has them (on SQLite a pool of four query-only connections;
// on PostgreSQL the writer's pool, sixteen connections at most as the
// store's), creates the messages table when missing, and prepares the
// statements. On PostgreSQL a server wakes other processes' streams only
// while ListenChats runs. Close it when done.
//
// Two servers must not create the table at once on PostgreSQL (CREATE
// TABLE IF NOT EXISTS may then fail): start them one after the other.
func NewChat(ctx context.Context, dsn string) (*ChatServer, error) {
	d, err := Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	s := &ChatServer{db: d, reads: d.SQL, subs: map[int64]map[chan struct{}]struct{}{}, sessions: map[string]struct{}{}}
	if err := s.prepare(ctx, dsn); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *ChatServer) prepare(ctx context.Context, dsn string) error {
	ddl := []string{
		`CREATE TABLE IF NOT EXISTS bare_chat_messages (id INTEGER PRIMARY KEY, chat_id INTEGER NOT NULL, body TEXT NOT NULL)`,
		`CREATE INDEX IF NOT EXISTS bare_chat_messages_chat ON bare_chat_messages (chat_id, id)`,
	}
	insert := `INSERT INTO bare_chat_messages (chat_id, body) VALUES (?, ?)`
	after := `SELECT id, body FROM bare_chat_messages WHERE chat_id = ? AND id > ? ORDER BY id`
	if s.db.Engine == Postgres {
		ddl[0] = `CREATE TABLE IF NOT EXISTS bare_chat_messages (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, chat_id BIGINT NOT NULL, body TEXT NOT NULL)`
		insert = `INSERT INTO bare_chat_messages (chat_id, body) VALUES ($1, $2)`
		after = `SELECT id, body FROM bare_chat_messages WHERE chat_id = $1 AND id > $2 ORDER BY id`
	}
	for _, q := range ddl {
		if _, err := s.db.SQL.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	if s.db.Engine == SQLite {
		r, err := openSQLiteReaders(ctx, dsn)
		if err != nil {
			return err
		}
		s.reads = r
	} else {
		s.db.SQL.SetMaxOpenConns(16)
		s.db.SQL.SetMaxIdleConns(16)
		var schema *string
		if err := s.db.SQL.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
			return err
		}
		if schema == nil {
			return errors.New("bare: no current schema for the chat channel")
		}
		s.channel, s.origin = "bare_chat_"+*schema, rand.Text()
		var err error
		if s.notify, err = s.db.SQL.PrepareContext(ctx, `SELECT pg_notify($1, $2)`); err != nil {
			return err
		}
	}
	var err error
	if s.insert, err = s.db.SQL.PrepareContext(ctx, insert); err != nil {
		return err
	}
	s.after, err = s.reads.PrepareContext(ctx, after)
	return err
}

// openSQLiteReaders opens the query-only pool of package store's SQLite
// readers on the file path.
func openSQLiteReaders(ctx context.Context, path string) (*sql.DB, error) {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "foreign_keys(1)", "query_only(1)"} {
		q.Add("_pragma", p)
	}
	return openSQLitePool(ctx, path+"?"+q.Encode(), 4)
}

// Close closes the statements and the pools.
func (s *ChatServer) Close() error {
	for _, st := range []*sql.Stmt{s.insert, s.notify, s.after} {
		if st != nil {
			st.Close()
		}
	}
	var err error
	if s.reads != s.db.SQL {
		err = s.reads.Close()
	}
	return errors.Join(err, s.db.Close())
}

// Engine returns the engine the server runs on, SQLite or Postgres.
func (s *ChatServer) Engine() string { return s.db.Engine }

// ServeHTTP serves the routes of the baseline (see ChatCookie's file).
func (s *ChatServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/sessions" {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		token := rand.Text()
		s.sessMu.Lock()
		s.sessions[token] = struct{}{}
		s.sessMu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: ChatCookie, Value: token, Path: "/", HttpOnly: true})
		w.WriteHeader(http.StatusCreated)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/chats/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	idText, what, _ := strings.Cut(rest, "/")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		http.NotFound(w, r)
		return
	}
	if !s.signedIn(r) {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	switch {
	case what == "messages" && r.Method == http.MethodPost:
		s.post(w, r, id)
	case what == "events" && r.Method == http.MethodGet:
		s.stream(w, r, id)
	default:
		http.NotFound(w, r)
	}
}

// signedIn reports whether r carries a session cookie of this server.
func (s *ChatServer) signedIn(r *http.Request) bool {
	c, err := r.Cookie(ChatCookie)
	if err != nil {
		return false
	}
	s.sessMu.RLock()
	_, ok := s.sessions[c.Value]
	s.sessMu.RUnlock()
	return ok
}

func (s *ChatServer) post(w http.ResponseWriter, r *http.Request, id int64) {
	var in struct {
		Message string `json:"message"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, chatMaxBody)).Decode(&in); err != nil || in.Message == "" {
		http.Error(w, "a message is {\"message\": \"…\"}", http.StatusBadRequest)
		return
	}
	if err := s.Post(r.Context(), id, in.Message); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusCreated)
}

// Post stores message in chat id (one prepared INSERT, on PostgreSQL with
// the NOTIFY to other processes, in one transaction) and wakes this
// process's streams of the chat after the commit.
func (s *ChatServer) Post(ctx context.Context, id int64, message string) error {
	tx, err := s.db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.StmtContext(ctx, s.insert).ExecContext(ctx, id, message); err != nil {
		return err
	}
	if s.notify != nil {
		if _, err := tx.StmtContext(ctx, s.notify).ExecContext(ctx, s.channel, strconv.FormatInt(id, 10)+" "+s.origin); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.wake(id)
	return nil
}

// subscribe returns a channel that gets a value when chat id has new
// messages (wakes coalesce: one pending at most), and its cancel.
func (s *ChatServer) subscribe(id int64) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	s.mu.Lock()
	set := s.subs[id]
	if set == nil {
		set = map[chan struct{}]struct{}{}
		s.subs[id] = set
	}
	set[ch] = struct{}{}
	s.mu.Unlock()
	return ch, func() {
		s.mu.Lock()
		delete(s.subs[id], ch)
		if len(s.subs[id]) == 0 {
			delete(s.subs, id)
		}
		s.mu.Unlock()
	}
}

// wake tells this process's streams of chat id that it has new messages.
func (s *ChatServer) wake(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ch := range s.subs[id] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

func (s *ChatServer) stream(w http.ResponseWriter, r *http.Request, id int64) {
	last := int64(0)
	v := r.Header.Get("Last-Event-ID")
	if v == "" {
		v = r.URL.Query().Get("last_event_id")
	}
	if v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			http.Error(w, "Last-Event-ID is a number", http.StatusBadRequest)
			return
		}
		last = n
	}
	ctx := r.Context()
	// Subscribed before the first read: a message committed after it
	// always comes with a wake.
	wake, cancel := s.subscribe(id)
	defer cancel()
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	var buf []byte
	for {
		var err error
		if buf, last, err = s.read(ctx, buf[:0], id, last); err != nil {
			return
		}
		if _, err := w.Write(buf); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		}
	}
}

// read appends to buf the events of chat id's messages after row last and
// returns buf and the last row read.
func (s *ChatServer) read(ctx context.Context, buf []byte, id, last int64) ([]byte, int64, error) {
	rows, err := s.after.QueryContext(ctx, id, last)
	if err != nil {
		return buf, last, err
	}
	defer rows.Close()
	for rows.Next() {
		var e struct {
			Body string `json:"body"`
		}
		var row int64
		if err := rows.Scan(&row, &e.Body); err != nil {
			return buf, last, err
		}
		data, err := json.Marshal(e)
		if err != nil {
			return buf, last, err
		}
		buf = append(buf, "id: "...)
		buf = strconv.AppendInt(buf, row, 10)
		buf = append(buf, "\nevent: message\ndata: "...)
		buf = append(buf, data...)
		buf = append(buf, "\n\n"...)
		last = row
	}
	return buf, last, rows.Err()
}

// ListenChats wakes this process's streams of the chats other processes
// post to, through PostgreSQL's LISTEN on a connection of its own, until
// ctx ends (it returns nil then) or the connection fails (it returns the
// error; there is no reconnecting). Notices of this server's own posts are
// skipped, as Post wakes its streams itself. On SQLite it waits for ctx and
// returns nil: one process owns the database.
func (s *ChatServer) ListenChats(ctx context.Context) error {
	if s.db.Engine != Postgres {
		<-ctx.Done()
		return nil
	}
	conn, err := s.db.SQL.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var failure error
	_ = conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			failure = errors.New("bare: the PostgreSQL connection is not pgx's")
			return driver.ErrBadConn
		}
		pc := sc.Conn()
		if _, err := pc.Exec(ctx, "LISTEN "+pgx.Identifier{s.channel}.Sanitize()); err != nil {
			failure = err
			return driver.ErrBadConn
		}
		for {
			n, err := pc.WaitForNotification(ctx)
			if err != nil {
				if ctx.Err() == nil {
					failure = err
				}
				// The connection still listens: database/sql closes it
				// instead of pooling it.
				return driver.ErrBadConn
			}
			idText, origin, _ := strings.Cut(n.Payload, " ")
			if origin == s.origin {
				continue
			}
			if id, err := strconv.ParseInt(idText, 10, 64); err == nil {
				s.wake(id)
			}
		}
	})
	return failure
}
