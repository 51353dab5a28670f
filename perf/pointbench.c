/*
 * pointbench: closed-loop prepared point lookups by uuid primary key over libpq.
 *
 *   pointbench CONNINFO IDS_FILE CLIENTS SECONDS LATENCY_OUT
 *
 * Each client thread opens its own connection, prepares
 * `SELECT * FROM bench_users WHERE id = $1` (parameter type left to the server), and runs it
 * with random ids from IDS_FILE (one uuid per line) until SECONDS pass. Every latency (µs) is
 * appended to LATENCY_OUT, one per line; stdout gets "txns failed seconds".
 */
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char **ids;
static long nids;
static const char *conninfo;
static double seconds;

struct client {
    pthread_t thread;
    unsigned seed;
    long txns, failed, cap;
    long *lat;
};

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *run(void *arg) {
    struct client *c = arg;
    PGconn *conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK) {
        fprintf(stderr, "connect: %s", PQerrorMessage(conn));
        c->failed = -1;
        return NULL;
    }
    PGresult *r = PQprepare(conn, "p", "SELECT * FROM bench_users WHERE id = $1", 1, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        fprintf(stderr, "prepare: %s", PQerrorMessage(conn));
        c->failed = -1;
        return NULL;
    }
    PQclear(r);
    double end = now() + seconds;
    while (1) {
        double t0 = now();
        if (t0 >= end) break;
        const char *param = ids[rand_r(&c->seed) % nids];
        r = PQexecPrepared(conn, "p", 1, &param, NULL, NULL, 0);
        int ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
        PQclear(r);
        double t1 = now();
        if (!ok) { c->failed++; continue; }
        if (c->txns == c->cap) {
            c->cap = c->cap ? c->cap * 2 : 1 << 16;
            c->lat = realloc(c->lat, c->cap * sizeof(long));
        }
        c->lat[c->txns++] = (long)((t1 - t0) * 1e6);
    }
    PQfinish(conn);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: pointbench CONNINFO IDS_FILE CLIENTS SECONDS LATENCY_OUT\n");
        return 2;
    }
    conninfo = argv[1];
    int clients = atoi(argv[3]);
    seconds = atof(argv[4]);
    FILE *f = fopen(argv[2], "r");
    if (!f) { perror(argv[2]); return 1; }
    char line[64];
    long cap = 1024;
    ids = malloc(cap * sizeof(char *));
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (!*line) continue;
        if (nids == cap) ids = realloc(ids, (cap *= 2) * sizeof(char *));
        ids[nids++] = strdup(line);
    }
    fclose(f);
    if (nids == 0) { fprintf(stderr, "no ids in %s\n", argv[2]); return 1; }
    struct client *cs = calloc(clients, sizeof *cs);
    double t0 = now();
    for (int i = 0; i < clients; i++) {
        cs[i].seed = 12345u + i;
        pthread_create(&cs[i].thread, NULL, run, &cs[i]);
    }
    long txns = 0, failed = 0;
    FILE *out = fopen(argv[5], "w");
    for (int i = 0; i < clients; i++) {
        pthread_join(cs[i].thread, NULL);
        if (cs[i].failed < 0) return 1;
        txns += cs[i].txns;
        failed += cs[i].failed;
        for (long j = 0; j < cs[i].txns; j++) fprintf(out, "%ld\n", cs[i].lat[j]);
    }
    fclose(out);
    printf("%ld %ld %.3f\n", txns, failed, now() - t0);
    return 0;
}
