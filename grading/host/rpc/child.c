/* child.c: the frame harness's child process: start, call, stop, relay its output. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define START_SECONDS 5.0       /* exec to hello: the loader, ASan, constructors */
#define CALL_SECONDS 2.0        /* one call */
#define STOP_SECONDS 1.0        /* the rest of a dead child's output */
#define LINE_MAX_RELAY 200      /* a longer line of the child's is cut in pieces */
#define RELAY_CAP 4096          /* bytes relayed per child; the rest is dropped */

static pid_t pid = -1;                  /* the child, or -1 */
static int req_fd = -1, rep_fd = -1, out_fd = -1;
static int exited;                      /* pid reaped; its status in wstatus */
static int wstatus;

static char line[LINE_MAX_RELAY + 1];   /* the child's current output line */
static size_t line_len, relayed;
static int dropped;

static double
now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* c if printable ASCII, a blank for a tab, else '?'. */
static char
shown(char c)
{
    return c == '\t' ? ' ' : c >= 0x20 && c <= 0x7e ? c : '?';
}

/* Replace what is not printable ASCII in s (NUL-terminated) by '?', a tab by a blank. */
void
printable(char *s)
{
    for (; *s; s++)
        *s = shown(*s);
}

/*
 * Print one line of the harness's own (TAP) output. Control characters
 * become '?' (a tab a blank), so one call is always exactly one line.
 */
void
say(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n > sizeof buf - 2)
        n = sizeof buf - 2;
    buf[n] = '\0';
    printable(buf);
    buf[n++] = '\n';
    for (char *p = buf; n > 0;) {
        ssize_t w = write(1, p, (size_t)n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        p += w;
        n -= (int)w;
    }
}

/* ---- the relay --------------------------------------------------------- */

/* Print the child's current line, prefixed, and start a new one. */
static void
relay_line(void)
{
    line[line_len] = '\0';
    if (relayed + line_len + 1 > RELAY_CAP) {
        if (!dropped)
            say("child| [the rest of the child's output is dropped: more than %d bytes]",
                RELAY_CAP);
        dropped = 1;
    } else
        say("child| %s", line);
    relayed += line_len + 1;
    line_len = 0;
}

/* Take n bytes of the child's output: whole lines are printed as they come. */
static void
relay(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n') {
            relay_line();
            continue;
        }
        line[line_len++] = shown(p[i]);
        if (line_len == LINE_MAX_RELAY)
            relay_line();
    }
}

/* Read what the child has written, without blocking. Returns 0 at end of
 * file (every writer gone: the child is dead), else 1. */
static int
relay_some(void)
{
    char buf[4096];
    ssize_t n = read(out_fd, buf, sizeof buf);
    if (n > 0)
        relay(buf, (size_t)n);
    return n != 0 && !(n < 0 && errno != EAGAIN && errno != EINTR);
}

/* ---- the process --------------------------------------------------------- */

/* How a wait status reads in a message. */
static void
describe_status(int st, char *s, size_t n)
{
    if (WIFEXITED(st))
        snprintf(s, n, "exited with status %d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        snprintf(s, n, "was killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
    else
        snprintf(s, n, "stopped with wait status 0x%x", st);
}

/* Wait up to secs for the child to end by itself; reap it. Returns 1 if it ended. */
static int
await_exit(double secs)
{
    double end = now() + secs;
    while (!exited) {
        pid_t w = waitpid(pid, &wstatus, WNOHANG);
        if (w == pid)
            exited = 1;
        else if (w < 0 && errno != EINTR)
            return 0;
        else if (now() >= end)
            return 0;
        else
            usleep(5000);
    }
    return 1;
}

/*
 * In the child, after fork: descriptors 0-4 as rpc.h says and no other,
 * no parent, no environment but the sanitizers' options (no leak check:
 * LeakSanitizer stops threads with ptrace, which the sandbox refuses),
 * the sandbox, exec. Never returns.
 */
static void
exec_server(const char *server, pid_t parent, const int fds[5])
{
    int high[5];
    for (int i = 0; i < 5; i++)
        if ((high[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 10)) < 0)
            _exit(125);
    for (int i = 0; i < 5; i++)
        if (dup2(high[i], i) < 0)
            _exit(125);
    if (close_range(5, ~0U, 0) < 0)
        for (int fd = 5; fd < 1024; fd++)
            close(fd);
    signal(SIGPIPE, SIG_DFL);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != parent)
        _exit(125);
    if (sandbox_enter() < 0) {
        dprintf(2, "frame_harness: cannot enter the sandbox: %s\n", strerror(errno));
        _exit(126);
    }
    char *const argv[] = { (char *)server, NULL };
    char *const envp[] = { "ASAN_OPTIONS=detect_leaks=0", "UBSAN_OPTIONS=print_stacktrace=1",
                           NULL };
    execve(server, argv, envp);
    dprintf(2, "frame_harness: cannot run %s: %s\n", server, strerror(errno));
    _exit(127);
}

/* Why the child did not answer, now that its reply pipe is closed. */
static void
gone(const char *what, char *why, size_t n)
{
    char st[96];
    if (await_exit(STOP_SECONDS))
        describe_status(wstatus, st, sizeof st);
    else
        snprintf(st, sizeof st, "closed its reply pipe");
    snprintf(why, n, "%s: the child %s (its output, if any, is above)", what, st);
}

/*
 * Read exactly n bytes of the reply pipe into buf before secs pass,
 * relaying the child's output meanwhile. Returns 0; -1 at end of file;
 * -2 on a timeout.
 */
static int
read_reply(void *buf, size_t n, double secs)
{
    double end = now() + secs;
    size_t got = 0;
    while (got < n) {
        double left = end - now();
        if (left <= 0)
            return -2;
        struct pollfd p[2] = { { rep_fd, POLLIN, 0 }, { out_fd, POLLIN, 0 } };
        int np = out_fd >= 0 ? 2 : 1;
        if (poll(p, np, (int)(left * 1000) + 1) < 0 && errno != EINTR)
            return -1;
        if (np == 2 && p[1].revents && !relay_some()) {
            close(out_fd);
            out_fd = -1;
        }
        if (p[0].revents) {
            ssize_t r = read(rep_fd, (char *)buf + got, n - got);
            if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
                return -1;
            if (r > 0)
                got += (size_t)r;
        }
    }
    return 0;
}

/* Check reply r to request seq; make its strings safe to print. Returns 0,
 * or -1 with the reason in why[n]. */
static int
check_reply(struct rpc_rep *r, uint64_t seq, char *why, size_t n)
{
    if (r->magic != RPC_MAGIC || r->seq != seq ||
        r->status < RPC_OK || r->status > RPC_BADOP) {
        snprintf(why, n, "its reply is garbage (magic 0x%08x, seq %lu for %lu, status %u)",
                 r->magic, (unsigned long)r->seq, (unsigned long)seq, r->status);
        return -1;
    }
    r->file[sizeof r->file - 1] = '\0';
    r->msg[sizeof r->msg - 1] = '\0';
    printable(r->file);
    printable(r->msg);
    return 0;
}

/*
 * Start the child: execute server (a path) with its descriptors as rpc.h
 * says, ramfd as its RAM, in the sandbox, and wait for its hello. Returns
 * 0, or -1 with the reason in why[n]. Either way child_stop ends it.
 */
int
child_start(const char *server, int ramfd, char *why, size_t n)
{
    int q[2], r[2], o[2];
    if (pipe2(q, O_CLOEXEC) < 0 || pipe2(r, O_CLOEXEC) < 0 || pipe2(o, O_CLOEXEC) < 0) {
        snprintf(why, n, "pipe: %s", strerror(errno));
        return -1;
    }
    pid_t parent = getpid();
    exited = 0;
    line_len = relayed = 0;
    dropped = 0;
    pid = fork();
    if (pid == 0) {
        int fds[5] = { q[0], o[1], o[1], r[1], ramfd };
        exec_server(server, parent, fds);
    }
    close(q[0]);
    close(r[1]);
    close(o[1]);
    req_fd = q[1], rep_fd = r[0], out_fd = o[0];
    if (pid < 0) {
        snprintf(why, n, "fork: %s", strerror(errno));
        return -1;
    }
    fcntl(req_fd, F_SETFL, O_NONBLOCK);
    fcntl(rep_fd, F_SETFL, O_NONBLOCK);
    fcntl(out_fd, F_SETFL, O_NONBLOCK);
    struct rpc_rep hello;
    int k = read_reply(&hello, sizeof hello, START_SECONDS);
    if (k == -1)
        gone("no hello", why, n);
    else if (k == -2)
        snprintf(why, n, "no hello within %.0f s", START_SECONDS);
    else if (check_reply(&hello, 0, why, n) < 0)
        ;
    else if (hello.value != RPC_VERSION)
        snprintf(why, n, "its hello says version %lu, not %d", (unsigned long)hello.value,
                 RPC_VERSION);
    else
        return 0;
    return -1;
}

/*
 * Send request q (magic and seq set) and wait for its reply, at most
 * CALL_SECONDS, relaying the child's output meanwhile. Returns 0 with a
 * well-formed reply in *r (its strings NUL-terminated and printable), or
 * -1 with the reason in why[n]: the child is dead, hangs, stopped reading,
 * or sent something that is not the reply.
 */
int
child_call(const struct rpc_req *q, struct rpc_rep *r, char *why, size_t n)
{
    if (pid < 0 || exited) {
        snprintf(why, n, "the child is not running");
        return -1;
    }
    /* One request at a time: the pipe has room unless the child stopped reading. */
    ssize_t w = write(req_fd, q, sizeof *q);
    if (w != (ssize_t)sizeof *q) {
        if (w < 0 && errno == EPIPE)
            gone("cannot send the call", why, n);
        else
            snprintf(why, n, "cannot send the call (the child reads no requests): %s",
                     w < 0 ? strerror(errno) : "short write");
        return -1;
    }
    int k = read_reply(r, sizeof *r, CALL_SECONDS);
    if (k == -1) {
        gone("no reply", why, n);
        return -1;
    }
    if (k == -2) {
        snprintf(why, n, "no reply within %.0f s (the child hangs)", CALL_SECONDS);
        return -1;
    }
    return check_reply(r, q->seq, why, n);
}

/*
 * Stop the child (kill it if it still runs), relay the rest of its output,
 * reap it, close its pipes; how it ended into how[n] (how may be NULL).
 * Safe to call when no child runs.
 */
void
child_stop(char *how, size_t n)
{
    char st[96] = "was not started";
    if (pid > 0) {
        if (exited || await_exit(0))
            describe_status(wstatus, st, sizeof st);
        else {
            kill(pid, SIGKILL);
            snprintf(st, sizeof st, "was stopped by the harness");
        }
        /* Killed or dead: its output ends soon, unless a descendant holds it. */
        double end = now() + STOP_SECONDS;
        while (out_fd >= 0 && now() < end) {
            struct pollfd p = { out_fd, POLLIN, 0 };
            if (poll(&p, 1, 50) > 0 && !relay_some())
                break;
        }
        if (line_len > 0)
            relay_line();
        if (!exited)
            waitpid(pid, &wstatus, 0);
    }
    if (req_fd >= 0)
        close(req_fd);
    if (rep_fd >= 0)
        close(rep_fd);
    if (out_fd >= 0)
        close(out_fd);
    req_fd = rep_fd = out_fd = -1;
    pid = -1;
    exited = 0;
    if (how)
        snprintf(how, n, "%s", st);
}
