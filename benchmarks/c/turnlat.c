/*
 * turnlat: fixed-rate round-trip-time probe over TURN/UDP channels, one thread, no allocation per packet.
 *
 * N allocations (one UDP socket each) send ChannelData probes at a fixed total rate through the server to echo
 * peers in this process, which send every datagram back to its source (the relayed address). A probe carries its
 * sequence number, the time the schedule wanted it sent and the time it was sent, so both the RTT as sent and the
 * RTT corrected for coordinated omission (receive time - intended send time) are measured.
 *
 * Build: gcc -O2 -Wall -Wextra -o turnlat turnlat.c -lcrypto      (RFC 8489 = STUN, RFC 8656 = TURN)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define BUFSZ 2048
#define MAGIC 0x2112A442u             /* RFC 8489 §6: magic cookie */
#define PROBE_MAGIC 0x544c4154u       /* "TLAT" at the start of every probe payload */
#define CHANNEL 0x4000                /* RFC 8656 §12: first channel number */
enum { A_MAPPED = 0x0001, A_USERNAME = 0x0006, A_MI = 0x0008, A_ERROR = 0x0009, A_CHANNEL = 0x000C,
       A_LIFETIME = 0x000D, A_PEER = 0x0012, A_REALM = 0x0014, A_NONCE = 0x0015, A_RELAYED = 0x0016,
       A_TRANSPORT = 0x0019, A_FINGERPRINT = 0x8028 };
enum { M_ALLOCATE = 0x0003, M_REFRESH = 0x0004, M_CHANNELBIND = 0x0009 };  /* RFC 8656 §17 */
enum { S_NEW, S_ALLOC0, S_ALLOC, S_ALLOCATED, S_BIND, S_READY, S_REFRESH, S_DELETED, S_FAILED };

struct alloc {
    int fd, peer;
    uint8_t state, tries, stale, moves;
    uint8_t txid[12];
    uint16_t reqlen;
    uint64_t due_ns, t0_ns;          /* next retransmission; start of the current phase */
    struct sockaddr_in relayed;
    char nonce[256];
    uint8_t req[800];
};

static struct {
    const char *server, *user, *pass, *peer_host, *json, *label;
    int n, peers, payload, busy, server_pid;
    long rate;
    uint64_t warmup_ns, duration_ns, drain_ns;
} opt = { "127.0.0.1:3478", "user-1", "pass-1", "127.0.0.1", NULL, "server", 1, 1, 100, 0, 0, 0,
          2000000000ull, 5000000000ull, 500000000ull };

static struct alloc *A;
static int epfd, *peerfd;
static struct sockaddr_in server_addr, *peer_addr;
static char realm[256];
static uint8_t key[16];
static int have_key;
static uint32_t crc_table[256];
static int err_code[700];             /* failed allocations by STUN error code; 0 = timeout, 1 = local error */
static char err_reason[700][96];
static int hs_err[700];               /* err_code after the handshake (the delete phase reuses err_code) */
static int moved;                     /* allocations that moved to another client port after a 437 */
/* Stalls: runs of probes whose corrected RTT was at least STALL_NS, merged while their due times are less than
 * STALL_GAP_NS apart; printed with the wall-clock time of the first one's due time, to match a server's GC,
 * safepoint and compile logs against. */
#define STALL_NS 5000000ull
#define STALL_GAP_NS 20000000ull
#define MAX_STALLS 64
static struct stall { uint64_t first_due, last_due, worst; long probes; } stalls[MAX_STALLS];
static int nstalls;
static long stalls_dropped;
static void note_stall(uint64_t due, uint64_t rttc) {
    /* Probes come back in receive order, not due order, so a late probe may belong to any stall so far, not only
     * the newest: the newest is tried first. Only late probes get here. */
    for (int k = nstalls - 1; k >= 0; k--) {
        struct stall *s = &stalls[k];
        if (due + STALL_GAP_NS > s->first_due && due < s->last_due + STALL_GAP_NS) {
            if (due > s->last_due) s->last_due = due;
            if (due < s->first_due) s->first_due = due;
            if (rttc > s->worst) s->worst = rttc;
            s->probes++;
            return;
        }
    }
    if (nstalls < MAX_STALLS) {
        stalls[nstalls++] = (struct stall){ due, due, rttc, 1 };
    } else {
        stalls_dropped++;
    }
}

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}
static double cpu_s(clockid_t c) {
    struct timespec t;
    clock_gettime(c, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}
static void put16(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v & 0xffff); }
static unsigned get16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }
static uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) << 16 | get16(p + 2); }

static void usage(const char *why) {
    fprintf(stderr, "turnlat: %s\nusage: turnlat [--server HOST:PORT] [--allocations N (1..10000)] [--rate PPS] "
            "[--payload B (32..1400)]\n  [--warmup DUR] [--duration DUR] [--drain DUR] [--peers K] [--peer-host IP] "
            "[--user U] [--pass P]\n  [--busy-poll] [--server-pid PID] [--label L] [--json FILE]   "
            "(DUR: 5s, 250ms, 100us or seconds)\n", why);
    exit(2);
}

/* Durations as the Java generator's Durations: 5s, 250ms, 100us, 2m or bare seconds. */
static uint64_t parse_dur(const char *s) {
    char *end;
    double v = strtod(s, &end), scale = 1e9;
    if (end == s || v < 0) usage("bad duration (expected e.g. 5s, 250ms, 100us)");
    if (!strcmp(end, "ms")) scale = 1e6;
    else if (!strcmp(end, "us")) scale = 1e3;
    else if (!strcmp(end, "m")) scale = 60e9;
    else if (*end && strcmp(end, "s")) usage("bad duration unit (expected m, s, ms or us)");
    return (uint64_t)(v * scale);
}
static long parse_int(const char *s, long lo, long hi, const char *what) {
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < lo || v > hi) {
        static char m[128];
        snprintf(m, sizeof m, "%s: found \"%s\" (expected %ld..%ld)", what, s, lo, hi);
        usage(m);
    }
    return v;
}
static void parse_addr(const char *hp, struct sockaddr_in *sa, int need_port) {
    char h[64];
    const char *c = strrchr(hp, ':');
    size_t hl = need_port ? (c ? (size_t)(c - hp) : 0) : strlen(hp);
    if ((need_port && !c) || hl == 0 || hl >= sizeof h) usage("bad address (expected IPv4 HOST:PORT)");
    memcpy(h, hp, hl);
    h[hl] = 0;
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    if (inet_pton(AF_INET, h, &sa->sin_addr) != 1) usage("bad IPv4 address");
    if (need_port) sa->sin_port = htons((uint16_t)parse_int(c + 1, 1, 65535, "port"));
}

/* RFC 8489 §14.7: FINGERPRINT is the CRC-32 of ISO 3309 (the one of zlib), xor 0x5354554e. */
static uint32_t crc32(const uint8_t *p, size_t n) {
    uint32_t c = 0xffffffffu;
    while (n--) c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

static size_t attr(uint8_t *m, size_t len, unsigned type, const void *v, size_t vl) {
    put16(m + len, type);
    put16(m + len + 2, (unsigned)vl);
    memcpy(m + len + 4, v, vl);
    size_t end = len + 4 + vl;
    while (end & 3) m[end++] = 0;     /* RFC 8489 §14: values padded to 4 bytes */
    return end;
}
static size_t xor_addr(uint8_t *m, size_t len, unsigned type, const struct sockaddr_in *sa) {
    uint8_t v[8] = { 0, 1 };         /* RFC 8489 §14.2: family IPv4, port and address xor the magic cookie */
    put16(v + 2, ntohs(sa->sin_port) ^ (MAGIC >> 16));
    put32(v + 4, ntohl(sa->sin_addr.s_addr) ^ MAGIC);
    return attr(m, len, type, v, 8);
}

/* Builds a's current request (new transaction id): RFC 8656 §7.1 Allocate, §11.1 ChannelBind, §7.2 Refresh. */
static void build(struct alloc *a) {
    uint8_t *m = a->req;
    unsigned type = a->state == S_BIND ? M_CHANNELBIND : a->state == S_REFRESH ? M_REFRESH : M_ALLOCATE;
    put16(m, type);
    put32(m + 4, MAGIC);
    RAND_bytes(a->txid, 12);
    memcpy(m + 8, a->txid, 12);
    size_t len = 20;
    if (type == M_ALLOCATE) {
        uint8_t t[4] = { 17, 0, 0, 0 }; /* RFC 8656 §18.11: REQUESTED-TRANSPORT UDP */
        len = attr(m, len, A_TRANSPORT, t, 4);
    } else if (type == M_CHANNELBIND) {
        uint8_t c[4] = { CHANNEL >> 8, CHANNEL & 0xff, 0, 0 };
        len = attr(m, len, A_CHANNEL, c, 4);
        len = xor_addr(m, len, A_PEER, &peer_addr[a->peer]);
    } else {
        uint8_t z[4] = { 0 };        /* RFC 8656 §7.2: LIFETIME 0 deletes the allocation */
        len = attr(m, len, A_LIFETIME, z, 4);
    }
    if (a->state != S_ALLOC0) {      /* RFC 8489 §9.2.3: long-term credentials */
        len = attr(m, len, A_USERNAME, opt.user, strlen(opt.user));
        len = attr(m, len, A_REALM, realm, strlen(realm));
        len = attr(m, len, A_NONCE, a->nonce, strlen(a->nonce));
        /* RFC 8489 §14.5: the length counts up to and including MESSAGE-INTEGRITY, the HMAC covers what precedes it */
        put16(m + 2, (unsigned)(len - 20 + 24));
        unsigned int hl = 20;
        HMAC(EVP_sha1(), key, 16, m, len, m + len + 4, &hl);
        put16(m + len, A_MI);
        put16(m + len + 2, 20);
        len += 24;
    }
    put16(m + 2, (unsigned)(len - 20 + 8)); /* RFC 8489 §14.7: FINGERPRINT last, length includes it */
    put16(m + len, A_FINGERPRINT);
    put16(m + len + 2, 4);
    put32(m + len + 4, crc32(m, len) ^ 0x5354554eu);
    a->reqlen = (uint16_t)(len + 8);
    a->tries = 0;
}

/* (Re)opens a's client socket on a new ephemeral port of 127.0.0.1, connected to the server; 0 on success. */
static int open_client(struct alloc *a) {
    struct sockaddr_in lo = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    struct epoll_event e = { .events = EPOLLIN, .data.u32 = (uint32_t)(a - A) };
    if (a->fd > 0) close(a->fd);     /* close() also takes it out of the epoll set */
    a->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    return a->fd < 0 || bind(a->fd, (struct sockaddr *)&lo, sizeof lo)
           || connect(a->fd, (struct sockaddr *)&server_addr, sizeof server_addr)
           || epoll_ctl(epfd, EPOLL_CTL_ADD, a->fd, &e);
}

static void transmit(struct alloc *a, uint64_t now, uint64_t rto) {
    if (send(a->fd, a->req, a->reqlen, 0) < 0 && errno != EAGAIN) perror("turnlat: send");
    a->tries++;
    a->due_ns = now + rto;
}

static void fail(struct alloc *a, int code, const char *reason) {
    if (code < 0 || code >= 700) code = 1;
    if (!err_code[code]++) snprintf(err_reason[code], sizeof err_reason[code], "%s", reason);
    a->state = S_FAILED;
}

/* Finds attribute type in a STUN message of n bytes; returns its value and length, or NULL. */
static const uint8_t *find(const uint8_t *m, size_t n, unsigned type, size_t *vl) {
    size_t off = 20;
    while (off + 4 <= n) {
        size_t l = get16(m + off + 2);
        if (off + 4 + l > n) return NULL;
        if (get16(m + off) == type) { *vl = l; return m + off + 4; }
        off += 4 + ((l + 3) & ~(size_t)3);
    }
    return NULL;
}
static int copy_str(char *dst, size_t cap, const uint8_t *v, size_t l) {
    if (!v || l >= cap) return -1;
    memcpy(dst, v, l);
    dst[l] = 0;
    return 0;
}
/* Copies string attribute type of message m into dst (NUL-terminated); -1 when absent or too long. */
static int copy_attr(char *dst, size_t cap, const uint8_t *m, size_t n, unsigned type) {
    size_t l = 0;
    const uint8_t *v = find(m, n, type, &l);
    if (!v || l >= cap) return -1;
    memcpy(dst, v, l);
    dst[l] = 0;
    return 0;
}

/* A response to a's outstanding request: advances its state machine. Returns 1 when a's phase step is over. */
static int on_response(struct alloc *a, const uint8_t *m, size_t n, uint64_t now) {
    if (n < 20 || (m[0] & 0xc0) || get32(m + 4) != MAGIC || memcmp(m + 8, a->txid, 12)) return 0;
    if (get16(m + 2) + 20u != n) return 0;
    unsigned cls = get16(m) & 0x0110;  /* RFC 8489 §5: 0x0100 success, 0x0110 error */
    size_t vl;
    const uint8_t *v;
    int code = 0;
    char reason[96] = "";
    if (cls == 0x0110 && (v = find(m, n, A_ERROR, &vl)) && vl >= 4) { /* RFC 8489 §14.8 */
        code = (v[2] & 7) * 100 + v[3];
        copy_str(reason, sizeof reason, v + 4, vl - 4 < 95 ? vl - 4 : 95);
    } else if (cls != 0x0100) {
        return 0;                    /* an indication or a request: not ours */
    }
    if (code == 401 && a->state == S_ALLOC0) { /* RFC 8489 §9.2.4: the first 401 gives REALM and NONCE */
        char r[256];
        if (copy_attr(r, sizeof r, m, n, A_REALM) ||
            copy_attr(a->nonce, sizeof a->nonce, m, n, A_NONCE)) {
            fail(a, 1, "401 without a usable REALM/NONCE");
            return 1;
        }
        if (!have_key) {             /* RFC 8489 §9.2.2: key = MD5(username ":" realm ":" password) */
            char s[1024];
            int sl = snprintf(s, sizeof s, "%s:%s:%s", opt.user, r, opt.pass);
            unsigned int kl = 16;
            EVP_Digest(s, (size_t)sl, key, &kl, EVP_md5(), NULL);
            memcpy(realm, r, sizeof r);
            have_key = 1;
        } else if (strcmp(r, realm)) {
            fail(a, 1, "401 with a realm other than the first allocation's");
            return 1;
        }
        a->state = S_ALLOC;
        build(a);
        transmit(a, now, 500000000ull);
        return 0;
    }
    if (code == 438 && a->state != S_ALLOC0 && a->stale++ < 3) { /* RFC 8489 §9.2.4: stale nonce, retry */
        if (copy_attr(a->nonce, sizeof a->nonce, m, n, A_NONCE)) { fail(a, 438, reason); return 1; }
        build(a);
        transmit(a, now, 500000000ull);
        return 0;
    }
    if (code == 437 && (a->state == S_ALLOC0 || a->state == S_ALLOC) && a->moves++ < 3) {
        /* RFC 8656 §7.3: the server sees this 5-tuple in use (e.g. a just-deleted allocation on a reused
           ephemeral port): try again from another client port */
        moved++;
        if (open_client(a)) { fail(a, 1, "cannot reopen the client socket after 437"); return 1; }
        a->state = S_ALLOC0;
        build(a);
        transmit(a, now, 500000000ull);
        return 0;
    }
    if (code) {
        fail(a, code, reason);
        return 1;
    }
    if (a->state == S_ALLOC0 || a->state == S_ALLOC) {
        v = find(m, n, A_RELAYED, &vl);
        if (!v || vl != 8 || v[1] != 1) { fail(a, 1, "success without an IPv4 XOR-RELAYED-ADDRESS"); return 1; }
        a->relayed.sin_family = AF_INET;
        a->relayed.sin_port = htons((uint16_t)(get16(v + 2) ^ (MAGIC >> 16)));
        a->relayed.sin_addr.s_addr = htonl(get32(v + 4) ^ MAGIC);
        a->state = S_ALLOCATED;
    } else {
        a->state = a->state == S_BIND ? S_READY : S_DELETED;
    }
    return 1;
}

/* Drains one socket's datagrams during a control phase (no probes fly then; stray echoes are dropped). */
static void control_rx(int idx, uint64_t now) {
    static uint8_t buf[BUFSZ];
    ssize_t r;
    while ((r = recv(idx < opt.n ? A[idx].fd : peerfd[idx - opt.n], buf, sizeof buf, MSG_DONTWAIT)) >= 0)
        if (idx < opt.n) on_response(&A[idx], buf, (size_t)r, now);
}

/*
 * One control phase over the allocations in state from: each gets state to (request built and sent), at most
 * 64 in flight, retransmitted every rto up to max_tx transmissions (RFC 8489 §6.2.1 lets a client choose them).
 * lat_ms gets every completed allocation's phase time. Returns the phase's wall time in ns.
 */
static uint64_t phase(int from, int to, uint64_t rto, int max_tx, double *lat_ms, int *nlat) {
    int inflight[64], nin = 0, next = 0;
    uint64_t t0 = now_ns();
    struct epoll_event ev[256];
    *nlat = 0;
    while (next < opt.n || nin) {
        uint64_t now = now_ns();
        for (; next < opt.n && nin < 64; next++) {
            struct alloc *a = &A[next];
            /* the delete phase also frees allocations whose ChannelBind failed */
            if (a->state != from && !(from == S_READY && a->state == S_FAILED && a->relayed.sin_port)) continue;
            a->state = (uint8_t)to;
            a->stale = 0;
            a->t0_ns = now;
            build(a);
            transmit(a, now, rto);
            inflight[nin++] = next;
        }
        if (!nin) break;
        uint64_t due = UINT64_MAX;
        for (int i = 0; i < nin; i++) if (A[inflight[i]].due_ns < due) due = A[inflight[i]].due_ns;
        int ms = due > now ? (int)((due - now) / 1000000 + 1) : 0;
        int ne = epoll_wait(epfd, ev, 256, ms);
        now = now_ns();
        for (int i = 0; i < ne; i++) control_rx((int)ev[i].data.u32, now);
        for (int i = 0; i < nin; i++) {
            struct alloc *a = &A[inflight[i]];
            int done = a->state == S_ALLOCATED || a->state == S_READY || a->state == S_DELETED
                       || a->state == S_FAILED;
            if (!done && now >= a->due_ns) {
                if (a->tries >= max_tx) { fail(a, 0, "timeout"); done = 1; }
                else transmit(a, now, rto);
            }
            if (done) {
                if (a->state != S_FAILED && lat_ms) lat_ms[(*nlat)++] = (now - a->t0_ns) / 1e6;
                inflight[i--] = inflight[--nin];
            }
        }
    }
    return now_ns() - t0;
}

/* utime + stime of a process from /proc/PID/stat (fields 14 and 15), in seconds; -1 when unreadable. */
static double proc_cpu(int pid) {
    char path[64], b[1024], *p;
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = pid > 0 ? fopen(path, "r") : NULL;
    if (!f) return -1;
    size_t n = fread(b, 1, sizeof b - 1, f);
    fclose(f);
    b[n] = 0;
    if (!(p = strrchr(b, ')'))) return -1;
    unsigned long ut, st;
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2) return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}
static long proc_field(int pid, const char *name) { /* VmRSS: / Threads: from /proc/PID/status, or -1 */
    char path[64], line[256];
    long v = -1;
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE *f = pid > 0 ? fopen(path, "r") : NULL;
    if (!f) return -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, name, strlen(name))) v = atol(line + strlen(name));
    fclose(f);
    return v;
}

static int cmp_u64(const void *x, const void *y) {
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}
static int cmp_d(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}
struct stats { long count; double min, mean, p50, p90, p99, p999, max; };
static double rank(const uint64_t *s, long n, double q) { /* nearest rank, ns → µs */
    long i = (long)(q * (double)n + 0.999999999) - 1;
    return s[i < 0 ? 0 : i >= n ? n - 1 : i] / 1e3;
}
static struct stats summarize(uint64_t *s, long n) {
    struct stats r = { n, 0, 0, 0, 0, 0, 0, 0 };
    if (!n) return r;
    qsort(s, (size_t)n, sizeof *s, cmp_u64);
    double sum = 0;
    for (long i = 0; i < n; i++) sum += (double)s[i];
    r.min = s[0] / 1e3; r.mean = sum / n / 1e3; r.max = s[n - 1] / 1e3;
    r.p50 = rank(s, n, .5); r.p90 = rank(s, n, .9); r.p99 = rank(s, n, .99); r.p999 = rank(s, n, .999);
    return r;
}
static double pct(double *v, int n, double q) {
    if (!n) return 0;
    long i = (long)(q * n + 0.999999999) - 1;
    return v[i < 0 ? 0 : i >= n ? n - 1 : i];
}
static void json_rtt(FILE *f, const char *name, struct stats s, const char *tail) {
    fprintf(f, "    \"%s\" : { \"count\" : %ld, \"min\" : %.3f, \"mean\" : %.3f, \"p50\" : %.3f, \"p90\" : %.3f, "
            "\"p99\" : %.3f, \"p999\" : %.3f, \"max\" : %.3f }%s\n", name, s.count, s.min, s.mean, s.p50, s.p90,
            s.p99, s.p999, s.max, tail);
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(f, "--busy-poll")) { opt.busy = 1; continue; }
        if (!strcmp(f, "-h") || !strcmp(f, "--help")) usage("help");
        static char m[128];
        snprintf(m, sizeof m, " %.100s ", f);
        if (!strstr(" --server --allocations -n --rate --payload --peers --server-pid --warmup --duration --drain "
                    "--peer-host --user -u --pass -w --label --json ", m) || strchr(f, ' ')) {
            snprintf(m, sizeof m, "unknown flag %s", f);
            usage(m);
        }
        if (!v) { snprintf(m, sizeof m, "%s needs a value", f); usage(m); }
        i++;
        if (!strcmp(f, "--server")) opt.server = v;
        else if (!strcmp(f, "--allocations") || !strcmp(f, "-n")) opt.n = (int)parse_int(v, 1, 10000, f);
        else if (!strcmp(f, "--rate")) opt.rate = parse_int(v, 1, 10000000, f);
        else if (!strcmp(f, "--payload")) opt.payload = (int)parse_int(v, 32, 1400, f);
        else if (!strcmp(f, "--peers")) opt.peers = (int)parse_int(v, 1, 1024, f);
        else if (!strcmp(f, "--server-pid")) opt.server_pid = (int)parse_int(v, 1, 1 << 30, f);
        else if (!strcmp(f, "--warmup")) opt.warmup_ns = parse_dur(v);
        else if (!strcmp(f, "--duration")) opt.duration_ns = parse_dur(v);
        else if (!strcmp(f, "--drain")) opt.drain_ns = parse_dur(v);
        else if (!strcmp(f, "--peer-host")) opt.peer_host = v;
        else if (!strcmp(f, "--user") || !strcmp(f, "-u")) opt.user = v;
        else if (!strcmp(f, "--pass") || !strcmp(f, "-w")) opt.pass = v;
        else if (!strcmp(f, "--label")) opt.label = v;
        else if (!strcmp(f, "--json")) opt.json = v;
    }
    if (!opt.rate) usage("--rate is required (probes/s, > 0)");
    if (opt.duration_ns < 1000000) usage("--duration must be at least 1ms");
    /* permissions live 300 s (RFC 8656 §9) and are never refreshed here */
    if (opt.warmup_ns + opt.duration_ns > 280000000000ull) usage("--warmup + --duration must be at most 280s");
    if (strlen(opt.user) > 200 || strlen(opt.pass) > 200) usage("--user/--pass longer than 200 bytes");
    parse_addr(opt.server, &server_addr, 1);
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
    struct rlimit rl;
    if (!getrlimit(RLIMIT_NOFILE, &rl)) { rl.rlim_cur = rl.rlim_max; setrlimit(RLIMIT_NOFILE, &rl); }
    prctl(PR_SET_TIMERSLACK, 1UL);   /* wake-ups on time, not up to 50 µs late */

    int n = opt.n, K = opt.peers;
    A = calloc((size_t)n, sizeof *A);
    peerfd = calloc((size_t)K, sizeof *peerfd);
    peer_addr = calloc((size_t)K, sizeof *peer_addr);
    uint64_t total = (uint64_t)(((unsigned __int128)(opt.warmup_ns + opt.duration_ns) * (uint64_t)opt.rate) / 1000000000u);
    uint64_t first = (uint64_t)(((unsigned __int128)opt.warmup_ns * (uint64_t)opt.rate) / 1000000000u);
    long cap = (long)((double)opt.rate * (opt.duration_ns / 1e9) * 1.2) + 16;
    uint64_t *rtt = malloc((size_t)cap * 8), *rttc = malloc((size_t)cap * 8);
    uint8_t *seen = calloc((size_t)(total / 8 + 1), 1);
    double *alat = malloc((size_t)n * sizeof(double)), *blat = malloc((size_t)n * sizeof(double));
    if (!A || !peerfd || !peer_addr || !rtt || !rttc || !seen || !alat || !blat) { perror("turnlat: memory"); return 1; }
    epfd = epoll_create1(0);
    for (int k = 0; k < K; k++) {
        parse_addr(opt.peer_host, &peer_addr[k], 0);
        socklen_t sl = sizeof peer_addr[k];
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0), sz = 4 << 20;
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
        if (fd < 0 || bind(fd, (struct sockaddr *)&peer_addr[k], sl) || getsockname(fd, (struct sockaddr *)&peer_addr[k], &sl)) {
            perror("turnlat: echo peer socket");
            return 1;
        }
        peerfd[k] = fd;
        struct epoll_event e = { .events = EPOLLIN, .data.u32 = (uint32_t)(n + k) };
        epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &e);
    }
    for (int i = 0; i < n; i++) {
        A[i].peer = i % K;
        if (open_client(&A[i])) { perror("turnlat: client socket"); return 1; }
    }

    /* Control plane: Allocate (401 round included) for all, then ChannelBind, as the Java generator does. */
    long rss_before = proc_field(opt.server_pid, "VmRSS:");
    double scpu0 = proc_cpu(opt.server_pid);
    int na, nb, nd;
    uint64_t alloc_ns = phase(S_NEW, S_ALLOC0, 500000000ull, 5, alat, &na);
    double scpu1 = proc_cpu(opt.server_pid);
    uint64_t bind_ns = phase(S_ALLOCATED, S_BIND, 500000000ull, 5, blat, &nb);
    long rss_alloc = proc_field(opt.server_pid, "VmRSS:"), threads = proc_field(opt.server_pid, "Threads:");
    qsort(alat, (size_t)na, sizeof(double), cmp_d);
    qsort(blat, (size_t)nb, sizeof(double), cmp_d);
    int failed = n - nb;
    fprintf(stderr, "turnlat: handshake: %d allocated in %.1f ms, %d bound in %.1f ms, %d failed, %d moved after 437\n",
            na, alloc_ns / 1e6, nb, bind_ns / 1e6, failed, moved);
    for (int c = 0; c < 700; c++)    /* every failure with its STUN error code and reason */
        if (err_code[c]) fprintf(stderr, "turnlat: %d allocation(s) failed: %s%.0d%s%s\n", err_code[c],
                                 c == 0 ? "" : c == 1 ? "local error: " : "STUN error ", c < 2 ? 0 : c,
                                 c < 2 ? "" : " ", err_reason[c]);
    if (!nb) { fprintf(stderr, "turnlat: no allocation is ready\n"); return 2; }
    int *ready = malloc((size_t)nb * sizeof(int)), nr = 0;
    for (int i = 0; i < n; i++) if (A[i].state == S_READY) ready[nr++] = i;

    /* Data plane: probe slot i is due at start + i/R; slots [first, total) are counted. */
    static uint8_t pkt[4 + 1400], rxb[BATCH][BUFSZ];
    static struct mmsghdr mm[BATCH];
    static struct iovec iov[BATCH];
    static struct sockaddr_in from[BATCH];
    for (int j = 0; j < BATCH; j++) {
        iov[j].iov_base = rxb[j];
        iov[j].iov_len = BUFSZ;
        mm[j].msg_hdr.msg_iov = &iov[j];
        mm[j].msg_hdr.msg_iovlen = 1;
        mm[j].msg_hdr.msg_name = &from[j];
        mm[j].msg_hdr.msg_namelen = sizeof from[j];
    }
    put16(pkt, CHANNEL);                 /* RFC 8656 §12.4: channel number, length, application data */
    put16(pkt + 2, (unsigned)opt.payload);
    put32(pkt + 4, PROBE_MAGIC);
    long sent = 0, recvd = 0, peer_rx = 0, late = 0, overflow = 0, dropped = 0, peer_drop = 0, stale = 0, invalid = 0;
    long nsamp = 0;
    struct epoll_event ev[256];
    uint64_t start = now_ns() + 1000000, next = 0;
    uint64_t m0 = start + opt.warmup_ns, m1 = m0 + opt.duration_ns, stop = m1 + opt.drain_ns;
    double sc0 = -1, sc1 = -1, gc0 = 0, gc1 = 0;
    int took0 = 0, took1 = 0;
    for (;;) {
        uint64_t now = now_ns();
        if (!took0 && now >= m0) { took0 = 1; sc0 = proc_cpu(opt.server_pid); gc0 = cpu_s(CLOCK_PROCESS_CPUTIME_ID); }
        if (!took1 && now >= m1) { took1 = 1; sc1 = proc_cpu(opt.server_pid); gc1 = cpu_s(CLOCK_PROCESS_CPUTIME_ID); }
        if (now >= stop || (next >= total && recvd >= sent && took1)) break;
        while (next < total) {       /* every due probe, each stamped with its own slot */
            uint64_t due = start + (uint64_t)(((unsigned __int128)next * 1000000000u) / (uint64_t)opt.rate);
            if (due > now) break;
            struct alloc *a = &A[ready[next % (uint64_t)nr]];
            uint64_t t = now_ns();
            memcpy(pkt + 8, &next, 8);
            memcpy(pkt + 16, &due, 8);
            memcpy(pkt + 24, &t, 8);
            ssize_t w = send(a->fd, pkt, 4 + (size_t)opt.payload, 0);
            if (next >= first) {
                if (w < 0) dropped++; else sent++;
                if (t - due > 100000) late++;
            }
            next++;
            now = t;
        }
        int ne;
        if (opt.busy) {
            ne = epoll_wait(epfd, ev, 256, 0);
        } else {
            uint64_t wake = next < total
                ? start + (uint64_t)(((unsigned __int128)next * 1000000000u) / (uint64_t)opt.rate) : stop;
            if (!took0 && m0 < wake) wake = m0;
            if (!took1 && m1 < wake) wake = m1;
            uint64_t d = wake > now ? wake - now : 0;
            struct timespec ts = { (time_t)(d / 1000000000u), (long)(d % 1000000000u) };
            ne = epoll_pwait2(epfd, ev, 256, &ts, NULL);
        }
        for (int e = 0; e < ne; e++) {
            uint32_t idx = ev[e].data.u32;
            int fd = idx < (uint32_t)n ? A[idx].fd : peerfd[idx - (uint32_t)n];
            for (int round = 0; round < 4; round++) {
                int r = recvmmsg(fd, mm, BATCH, MSG_DONTWAIT, NULL);
                if (r <= 0) break;
                uint64_t t = now_ns();
                if (idx >= (uint32_t)n) {    /* echo peer: every datagram back to its source at once */
                    for (int j = 0; j < r; j++) {
                        iov[j].iov_len = mm[j].msg_len;
                        uint64_t seq;
                        memcpy(&seq, rxb[j] + 4, 8);
                        if (mm[j].msg_len >= 28 && get32(rxb[j]) == PROBE_MAGIC && seq >= first && seq < total) peer_rx++;
                    }
                    int w = sendmmsg(fd, mm, (unsigned)r, 0);
                    peer_drop += r - (w < 0 ? 0 : w);
                } else {
                    for (int j = 0; j < r; j++) {
                        const uint8_t *b = rxb[j];
                        uint64_t seq, due, at;
                        if ((b[0] & 0xc0) != 0x40) continue; /* a late STUN response: not a probe */
                        if (mm[j].msg_len < 32 || get16(b) != CHANNEL || 4 + get16(b + 2) > mm[j].msg_len ||
                            get16(b + 2) < 28 || get32(b + 4) != PROBE_MAGIC) { invalid++; continue; }
                        memcpy(&seq, b + 8, 8);
                        memcpy(&due, b + 16, 8);
                        memcpy(&at, b + 24, 8);
                        if (seq >= next || due < start) { invalid++; continue; }
                        if (seen[seq >> 3] & (1u << (seq & 7))) { stale++; continue; }
                        seen[seq >> 3] |= (uint8_t)(1u << (seq & 7));
                        if (seq < first) continue;
                        recvd++;
                        if (nsamp < cap) { rtt[nsamp] = t - at; rttc[nsamp++] = t - due; } else overflow++;
                        if (t - due >= STALL_NS) note_stall(due, t - due);
                    }
                }
                for (int j = 0; j < r; j++) { /* restore what the kernel and the echo changed */
                    iov[j].iov_len = BUFSZ;
                    mm[j].msg_hdr.msg_namelen = sizeof from[j];
                }
                if (r < BATCH) break;
            }
        }
    }

    {   /* the stalls, in the wall clock: CLOCK_REALTIME - CLOCK_MONOTONIC now, ±1 µs */
        struct timespec rt;
        clock_gettime(CLOCK_REALTIME, &rt);
        uint64_t off = (uint64_t)rt.tv_sec * 1000000000ull + (uint64_t)rt.tv_nsec - now_ns();
        for (int k = 0; k < nstalls; k++) {
            uint64_t w = stalls[k].first_due + off;
            time_t sec = (time_t)(w / 1000000000u);
            struct tm tm;
            gmtime_r(&sec, &tm);
            fprintf(stderr, "turnlat: stall at %02d:%02d:%02d.%03d UTC (+%.3f s of the measured window): %ld probes "
                    "over %.1f ms, worst corrected RTT %.1f ms\n", tm.tm_hour, tm.tm_min, tm.tm_sec,
                    (int)(w % 1000000000u / 1000000u), ((double)stalls[k].first_due - (double)m0) / 1e9,
                    stalls[k].probes, (stalls[k].last_due - stalls[k].first_due) / 1e6, stalls[k].worst / 1e6);
        }
        if (stalls_dropped) fprintf(stderr, "turnlat: %ld more late probes after %d stalls\n", stalls_dropped, nstalls);
    }

    /* Delete: Refresh LIFETIME 0 (RFC 8656 §7.2), 200 ms apart, 2 transmissions at most. */
    memcpy(hs_err, err_code, sizeof hs_err);
    phase(S_READY, S_REFRESH, 200000000ull, 2, NULL, &nd);
    int deleted = 0;
    for (int i = 0; i < n; i++) deleted += A[i].state == S_DELETED;
    long rss_after = proc_field(opt.server_pid, "VmRSS:");

    double secs = opt.duration_ns / 1e9, scpu = sc0 >= 0 && sc1 >= 0 ? sc1 - sc0 : -1;
    double scpupct = scpu >= 0 ? 100 * scpu / secs : -1, gcpu = 100 * (gc1 - gc0) / secs;
    struct stats s = summarize(rtt, nsamp), c = summarize(rttc, nsamp);
    long lost = sent - recvd;
    char cpu[32] = "n/a";
    if (scpupct >= 0) snprintf(cpu, sizeof cpu, "%.1f%%", scpupct);
    printf("turnlat %s: %d allocations, %ld pps x %d B, %.1f s: sent %ld, lost %ld; rtt us p50 %.1f p90 %.1f p99 %.1f "
           "p999 %.1f max %.1f; corrected p50 %.1f p99 %.1f p999 %.1f max %.1f; late sends %ld; server cpu %s\n",
           opt.server, nr, opt.rate, opt.payload, secs, sent, lost, s.p50, s.p90, s.p99, s.p999, s.max, c.p50, c.p99,
           c.p999, c.max, late, cpu);
    if (overflow || dropped || invalid || stale || peer_drop)
        printf("turnlat: sample overflow %ld, send dropped %ld, peer dropped %ld, invalid %ld, duplicates %ld\n",
               overflow, dropped, peer_drop, invalid, stale);
    if (!opt.json) return 0;

    /* The Java generator's LoadResult, schema 2 (benchmarks/.../load/LoadResult.java). */
    FILE *f = fopen(opt.json, "w");
    if (!f) { perror(opt.json); return 1; }
    char host[256] = "", model[256] = "", line[512], started[32];
    struct utsname u;
    uname(&u);
    gethostname(host, sizeof host - 1);
    FILE *ci = fopen("/proc/cpuinfo", "r");
    while (ci && fgets(line, sizeof line, ci))
        if (!strncmp(line, "model name", 10) && strchr(line, ':')) {
            snprintf(model, sizeof model, "%s", strchr(line, ':') + 2);
            model[strcspn(model, "\n\"\\")] = 0;
            break;
        }
    if (ci) fclose(ci);
    time_t wall = time(NULL);
    strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", gmtime(&wall));
    double fwd = (peer_rx + recvd) / secs;
    fprintf(f, "{\n  \"tool\" : \"turnlat\",\n  \"schema\" : 2,\n  \"label\" : \"%s\",\n  \"startedAt\" : \"%s\",\n",
            opt.label, started);
    fprintf(f, "  \"host\" : { \"hostname\" : \"%s\", \"cpus\" : %ld, \"cpuModel\" : \"%s\", \"kernel\" : \"%s\", "
            "\"java\" : \"none (turnlat, C)\" },\n", host, sysconf(_SC_NPROCESSORS_ONLN), model, u.release);
    fprintf(f, "  \"config\" : { \"server\" : \"%s\", \"mode\" : \"channel\", \"allocations\" : %d, \"payload\" : %d, "
            "\"ratePps\" : %ld, \"durationSeconds\" : %.3f, \"warmupSeconds\" : %.3f, \"windowPerAllocation\" : 0, "
            "\"threads\" : 1, \"peers\" : %d, \"maxPackets\" : 0, \"transport\" : \"udp\", \"busyPoll\" : %s, "
            "\"drainSeconds\" : %.3f },\n", opt.server, n, opt.payload, opt.rate, secs, opt.warmup_ns / 1e9, K,
            opt.busy ? "true" : "false", opt.drain_ns / 1e9);
    fprintf(f, "  \"handshake\" : { \"requested\" : %d, \"allocated\" : %d, \"ready\" : %d, \"failed\" : %d, "
            "\"errors\" : {", n, na, nb, failed);
    for (int i = 0, sep = 0; i < 700; i++) /* by code as the Java generator: "0" timeout, "-1" local error */
        if (hs_err[i]) fprintf(f, "%s \"%d\" : %d", sep++ ? "," : "", i == 1 ? -1 : i, hs_err[i]);
    fprintf(f, " },\n    \"concurrency\" : 64, \"movedAfter437\" : %d, \"allocatePhaseMs\" : %.3f, \"bindPhaseMs\" : %.3f, "
            "\"allocationsPerSecond\" : %.2f, \"allocateP50Ms\" : %.3f, \"allocateP99Ms\" : %.3f, \"allocateMaxMs\" : %.3f, "
            "\"bindP50Ms\" : %.3f, \"bindP99Ms\" : %.3f, \"bindMaxMs\" : %.3f, \"allocateServerCpuPercent\" : %.3f, "
            "\"deleted\" : %d, \"connectPhaseMs\" : 0.0, \"connectFailed\" : 0, \"connectionsLost\" : 0 },\n",
            moved, alloc_ns / 1e6, bind_ns / 1e6, na / (alloc_ns / 1e9), pct(alat, na, .5), pct(alat, na, .99),
            pct(alat, na, 1), pct(blat, nb, .5), pct(blat, nb, .99), pct(blat, nb, 1),
            scpu0 >= 0 && scpu1 >= 0 ? 100 * (scpu1 - scpu0) / (alloc_ns / 1e9) : -1, deleted);
    fprintf(f, "  \"traffic\" : {\n    \"seconds\" : %.3f, \"sent\" : %ld, \"peerReceived\" : %ld, \"delivered\" : %ld, "
            "\"lost\" : %ld, \"lossPercent\" : %.3f, \"sendDropped\" : %ld, \"peerDropped\" : %ld, \"stale\" : %ld, "
            "\"invalid\" : %ld, \"sentPps\" : %.3f, \"clientToPeerPps\" : %.3f, \"peerToClientPps\" : %.3f, "
            "\"forwardedPps\" : %.3f, \"forwardedMbps\" : %.3f, \"lateSends\" : %ld, \"sampleOverflow\" : %ld,\n",
            secs, sent, peer_rx, recvd, lost, sent ? 100.0 * lost / sent : 0, dropped, peer_drop, stale, invalid,
            sent / secs, peer_rx / secs, recvd / secs, fwd, fwd * (opt.payload + 28) * 8 / 1e6, late, overflow);
    json_rtt(f, "rttMicros", s, ",");
    json_rtt(f, "rttCorrectedMicros", c, ",");
    fprintf(f, "    \"timeline\" : null\n  },\n");
    fprintf(f, "  \"server\" : { \"pid\" : %d, \"cpuPercent\" : %.3f, \"cpuSeconds\" : %.3f, \"forwardedPerCpuSecond\" : "
            "%.3f, \"rssKbBefore\" : %ld, \"rssKbAllocated\" : %ld, \"rssKbAfter\" : %ld, \"threads\" : %ld },\n",
            opt.server_pid, scpupct, scpu, scpu > 0 ? fwd * secs / scpu : -1, rss_before, rss_alloc, rss_after, threads);
    fprintf(f, "  \"generator\" : { \"cpuPercent\" : %.3f },\n  \"notes\" : [ \"generator: turnlat (C, one thread%s)\"%s ],\n"
            "  \"idle\" : null\n}\n", gcpu, opt.busy ? ", busy-poll" : "",
            sent / secs < 0.95 * opt.rate ? ", \"rate not reached\"" : "");
    fclose(f);
    return 0;
}
