/*
 * sandbox.c: running the steps that compile or run a submission's code.
 *
 * Every such step (the kernel build, each test's kernel link, QEMU, a host
 * test) runs in a sandbox that sees only the directories the step names
 * (binds), with limits on time, CPU, address space or resident memory,
 * processes, file size and output; when it ends, every process it started
 * is gone before the grader reads what it wrote. Three isolations:
 *
 *   namespaces  bubblewrap: new user, mount, pid, net, ipc, uts namespaces,
 *               a new session, dies with the grader; the system's /usr
 *               read-only, a private /tmp, the binds and nothing else
 *   user        where namespaces are refused (some containers): the grader
 *               must be root; the step runs as a uid of its own, which can
 *               read the run's tree (through the run's group) but not the
 *               reference, the specification, hidden tests or results;
 *               every process of that uid is killed at the end
 *   none        no isolation (measuring only, or a machine that allows
 *               neither): said in the report
 *
 * When the grader is root, namespaces too run the step as a uid of its own
 * (bubblewrap then runs unprivileged), so that process limits count the
 * step's processes alone. Uids and gids come from a pool of SLOTS starting
 * at --sandbox-id (default 63000), taken with file locks, so concurrent
 * graders and batch workers never share one.
 */
#include "grade.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define SLOTS       64
#define STEP_NPROC  256                 /* processes of a step (root: of its uid) */
#define STEP_FSIZE  (256LL << 20)       /* bytes of any one file it writes */
#define STEP_NOFILE 256

enum isolation isolation = ISO_NONE;
const char *const isolation_names[] = { "auto", "namespaces", "user", "none" };

static int am_root;
static int base_id = 63000;
static char *lockdir;
static int run_gid = -1, run_lock = -1;         /* this run's group (root) */
static volatile int step_uid = -1;              /* the running step's uid (root) */
static char *why_not_ns;                        /* why namespaces are not used */
static long long nproc_base;                    /* not root: this uid's processes */

/* ------------------------------------------------------------------------ */
/* Slots: uids and gids no one else uses now                                */

/* Take a free slot of kind ("uid" or "gid"); its number, and *fd its lock. */
static int
take_slot(const char *kind, int *fd)
{
    for (int tries = 0; tries < 200; tries++) {
        for (int i = 0; i < SLOTS; i++) {
            char *path = xasprintf("%s/%s-%d", lockdir, kind, i);
            int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
            free(path);
            if (f < 0)
                die("cannot open a lock in %s: %s", lockdir, strerror(errno));
            if (flock(f, LOCK_EX | LOCK_NB) == 0) {
                *fd = f;
                return i;
            }
            close(f);
        }
        sleep_ms(50);
    }
    die("no free sandbox %s among %d (in %s)", kind, SLOTS, lockdir);
}

static void
give_slot(int *fd)
{
    if (*fd >= 0)
        close(*fd);             /* the lock goes with it */
    *fd = -1;
}

/* ------------------------------------------------------------------------ */
/* Processes                                                                 */

/* Called from the signal handler too: only async-signal-safe calls. */
void
sandbox_kill_current(void)
{
    int uid = step_uid;
    if (uid < 0)
        return;
    pid_t pid = fork();
    if (pid == 0) {
        int g = base_id + SLOTS;
        if (setresgid(g, g, g) == 0 && setresuid(uid, uid, uid) == 0)
            kill(-1, SIGKILL);
        _exit(0);
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
}

/* ------------------------------------------------------------------------ */
/* Ownership of the run's files (root)                                       */

struct own {
    int uid, gid;
    int shared;                 /* group-readable (else the owner's alone) */
};

static void
own_visit(const char *root, const char *rel, const struct stat *st, void *arg)
{
    const struct own *o = arg;
    char *path = *rel ? xasprintf("%s/%s", root, rel) : xstrdup(root);
    int x = S_ISDIR(st->st_mode) || (st->st_mode & 0100);
    mode_t mode = o->shared ? (x ? 0750 : 0640) : (x ? 0700 : 0600);
    if (lchown(path, (uid_t)o->uid, (gid_t)o->gid) < 0
        || (!S_ISLNK(st->st_mode) && chmod(path, mode) < 0))
        die("cannot set the owner of %s: %s", path, strerror(errno));
    free(path);
}

/* The group of the run's steps (a group no one has, outside a run). */
static int
step_gid(void)
{
    return run_gid >= 0 ? run_gid : base_id + SLOTS;
}

/* Give path and all below it to uid: its alone, or readable by the run's steps. */
static void
give_tree(const char *path, int uid, int shared)
{
    struct own o = { uid, step_gid(), shared };
    struct stat st;
    if (lstat(path, &st) < 0)
        die("%s: %s", path, strerror(errno));
    own_visit(path, "", &st, &o);
    if (S_ISDIR(st.st_mode))
        walk_all(path, own_visit, &o);
}

/*
 * Make path (and what is below) readable by the run's steps and writable
 * by none (shared), or the grader's alone (root; nothing to do otherwise).
 */
void
sandbox_own(const char *path, int shared)
{
    if (am_root)
        give_tree(path, 0, shared);
}

static char *box_made;          /* a box made in /tmp (root) ... */
static pid_t box_maker;         /* ... by this process */

/*
 * A run starts: the directory its steps' files go in (its box), returned.
 * Not root: rundir/box. Root: the run's group is taken, and the box is a
 * fresh directory in /tmp, the group's, read-only, so that the steps'
 * uids reach it wherever rundir is (the grader's directories may be
 * closed to others, as /root is); it goes when the run ends.
 */
char *
sandbox_prepare_run(const char *rd)
{
    if (!am_root) {
        char *box = xasprintf("%s/box", rd);
        mkdir_p(box);
        return box;
    }
    run_gid = base_id + take_slot("gid", &run_lock);
    char tmpl[] = "/tmp/pagebook-grade-box-XXXXXX";
    if (mkdtemp(tmpl) == NULL)
        die("cannot make a directory in /tmp: %s", strerror(errno));
    box_made = xstrdup(tmpl);
    box_maker = getpid();
    give_tree(box_made, 0, 1);
    return xstrdup(box_made);
}

void
sandbox_release_run(void)
{
    if (box_made) {
        remove_tree(box_made);
        free(box_made);
        box_made = NULL;
    }
    give_slot(&run_lock);
    run_gid = -1;
}

/* Remove the box, if this process made one (when it dies). */
void
sandbox_remove_box(void)
{
    char *b = box_made;
    box_made = NULL;            /* remove_tree may die too */
    if (b && box_maker == getpid())
        remove_tree(b);
}

/* ------------------------------------------------------------------------ */
/* Running                                                                   */

static void
set_limit(int res, rlim_t v)
{
    struct rlimit r = { v, v };
    struct rlimit old;
    if (getrlimit(res, &old) == 0 && old.rlim_max != RLIM_INFINITY && old.rlim_max < v)
        r.rlim_cur = r.rlim_max = old.rlim_max;     /* never raise */
    setrlimit(res, &r);
}

/* Where bind i of s (plus rel) is, as the step sees it. */
const char *
step_path(const struct step *s, int i, const char *rel, char *buf, size_t n)
{
    const char *base = isolation == ISO_NAMESPACES ? s->binds[i].inside : s->binds[i].host;
    snprintf(buf, n, "%s%s%s", base, rel && *rel ? "/" : "", rel ? rel : "");
    return buf;
}

/* The argument vector that runs s: bubblewrap's options, then the command. */
static char **
bwrap_argv(const struct step *s, const char *home)
{
    static const char *const base[] = {
        "bwrap", "--unshare-user", "--unshare-ipc", "--unshare-pid", "--unshare-net",
        "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent", "--new-session",
        "--cap-drop", "ALL", "--ro-bind", "/usr", "/usr",
        "--ro-bind-try", "/etc/alternatives", "/etc/alternatives",
        "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache",
        "--ro-bind-try", "/etc/ld.so.conf", "/etc/ld.so.conf",
        "--ro-bind-try", "/etc/ld.so.conf.d", "/etc/ld.so.conf.d",
        "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--tmpfs", "/dev/shm",
        "--clearenv", NULL };
    char **v = NULL;
    int n = 0;
#define ADD(x) (v = xrealloc(v, (size_t)(n + 2) * sizeof *v), v[n++] = (char *)(x), v[n] = NULL)
    for (int i = 0; base[i]; i++)
        ADD(base[i]);
    /* /bin, /lib, ... : links into /usr on a merged system, else bound. */
    static const char *const top[] = { "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32" };
    for (size_t i = 0; i < sizeof top / sizeof top[0]; i++) {
        char target[256];
        ssize_t k = readlink(top[i], target, sizeof target - 1);
        struct stat st;
        if (k > 0) {
            target[k] = '\0';
            ADD("--symlink");
            ADD(xstrdup(target));
            ADD(top[i]);
        } else if (stat(top[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            ADD("--ro-bind");
            ADD(top[i]);
            ADD(top[i]);
        }
    }
    for (int i = 0; i < s->nbinds; i++) {
        ADD(s->binds[i].rw ? "--bind" : "--ro-bind");
        ADD(s->binds[i].host);
        ADD(s->binds[i].inside);
    }
    ADD("--setenv"); ADD("PATH"); ADD("/usr/local/bin:/usr/bin:/bin");
    ADD("--setenv"); ADD("HOME"); ADD(home);
    ADD("--setenv"); ADD("TMPDIR"); ADD("/tmp");
    ADD("--setenv"); ADD("LC_ALL"); ADD("C");
    for (int i = 0; s->env && s->env[i]; i++) {
        char *eq = strchr(s->env[i], '=');
        if (eq == NULL)
            continue;
        ADD("--setenv");
        ADD(xasprintf("%.*s", (int)(eq - s->env[i]), s->env[i]));
        ADD(eq + 1);
    }
    ADD("--chdir");
    ADD(s->cwd);
    ADD("--");
    for (int i = 0; s->argv[i]; i++)
        ADD(s->argv[i]);
#undef ADD
    return v;
}

/* Does text (with the bytes before it) say a process ran out of memory? */
static int
says_out_of_memory(const char *text)
{
    return strstr(text, "out of memory") || strstr(text, "Cannot allocate memory")
        || strstr(text, "virtual memory exhausted") || strstr(text, "std::bad_alloc");
}

/*
 * Run argv with stdin from /dev/null, stdout and stderr into logfd
 * (carriage returns dropped, NUL bytes shown as '?'). s is NULL for the
 * grader's own commands (trusted: no sandbox, cwd and env as given);
 * else the command is sandboxed as described above. Killed after the
 * timeout, when it has written more than cap bytes, or when its resident
 * memory passes the limit; every process it made is gone on return.
 */
static struct outcome
run_capture(const struct step *s, char *const argv[], const char *cwd, char *const env[],
            int logfd, double timeout, size_t cap)
{
    struct outcome o = { .how = H_ERROR };
    int uid_lock = -1, uid = -1;
    if (s && am_root && isolation != ISO_NONE) {
        uid = base_id + take_slot("uid", &uid_lock);
        if (uid_alive(uid))
            kill_uid(uid, base_id + SLOTS);      /* nothing of an earlier holder is left */
        for (int i = 0; i < s->nbinds; i++)
            if (s->binds[i].rw)
                give_tree(s->binds[i].host, uid, 0);
    }
    char **bargv = NULL, *home = NULL;
    if (s && isolation == ISO_NAMESPACES)
        bargv = bwrap_argv(s, "/tmp");
    else if (s) {
        /* user or none: the real paths; HOME and TMPDIR in its first writable bind */
        for (int i = 0; home == NULL && i < s->nbinds; i++)
            if (s->binds[i].rw)
                home = xasprintf("%s/.home", s->binds[i].host);
        if (home) {
            mkdir_p(home);
            if (uid >= 0 && (chown(home, (uid_t)uid, (gid_t)step_gid()) < 0 || chmod(home, 0700) < 0))
                die("%s: %s", home, strerror(errno));
        }
    }
    int p[2];
    if (pipe(p) < 0)
        die("pipe: %s", strerror(errno));
    double t0 = now(), deadline = t0 + timeout;
    pid_t pid = fork();
    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid == 0) {
        setsid();
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        int null = open("/dev/null", O_RDONLY);
        if (null < 0 || dup2(null, 0) < 0 || dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0)
            _exit(127);
        close(p[0]);
        close(p[1]);
        close(null);
        set_limit(RLIMIT_CORE, 0);
        set_limit(RLIMIT_CPU, (rlim_t)(2 * timeout) + 5);
        if (s) {
            set_limit(RLIMIT_FSIZE, (rlim_t)STEP_FSIZE);
            set_limit(RLIMIT_NOFILE, STEP_NOFILE);
            set_limit(RLIMIT_NPROC, (rlim_t)(uid >= 0 ? STEP_NPROC : nproc_base + 4 * STEP_NPROC));
            if (s->as_limit > 0)
                set_limit(RLIMIT_AS, (rlim_t)s->as_limit);
        }
        if (uid >= 0) {
            gid_t g = (gid_t)step_gid();
            if (setgroups(1, &g) < 0 || setresgid(g, g, g) < 0 || setresuid(uid, uid, uid) < 0) {
                dprintf(2, "grade: cannot become the sandbox's uid %d: %s\n", uid, strerror(errno));
                _exit(127);
            }
            umask(027);
        }
        if (s == NULL || isolation != ISO_NAMESPACES) {
            const char *dir = s ? s->cwd : cwd;
            if (dir && chdir(dir) < 0) {
                dprintf(2, "grade: cannot enter %s: %s\n", dir, strerror(errno));
                _exit(127);
            }
        }
        if (s && isolation != ISO_NAMESPACES) {
            clearenv();
            setenv("PATH", "/usr/local/bin:/usr/bin:/bin", 1);
            setenv("LC_ALL", "C", 1);
            if (home) {
                setenv("HOME", home, 1);
                setenv("TMPDIR", home, 1);
            }
        }
        char *const *e = s ? s->env : env;
        for (int i = 0; e && e[i]; i++)
            putenv(e[i]);
        char *const *a = bargv ? bargv : s ? s->argv : argv;
        execvp(a[0], a);
        dprintf(2, "grade: cannot run %s: %s\n", a[0], strerror(errno));
        _exit(127);
    }
    child_pgid = pid;
    step_uid = uid;
    close(p[1]);

    size_t bytes = 0;
    int killed = 0, oom = 0;
    char chunk[16384], clean[16384], tail[64] = "";
    double next_rss = 0;
    for (;;) {
        double t = now(), left = deadline - t;
        if (left <= 0) {
            o.how = H_TIMEOUT;
            killed = 1;
            if (s && s->monitor)
                monitor_regs(s->monitor, &o);       /* where it was, before it goes */
            break;
        }
        if (s && s->rss_limit > 0 && t >= next_rss) {
            next_rss = t + 0.05;
            if (step_rss(pid, uid) > s->rss_limit) {
                o.how = H_MEMORY;
                killed = 1;
                break;
            }
        }
        int wait_ms = (int)(left * 1000) + 1;
        if (s && s->rss_limit > 0 && wait_ms > 50)
            wait_ms = 50;
        struct pollfd pfd = { p[0], POLLIN, 0 };
        int r = poll(&pfd, 1, wait_ms);
        if (r < 0 && errno != EINTR)
            die("poll: %s", strerror(errno));
        if (r <= 0)
            continue;
        ssize_t n = read(p[0], chunk, sizeof chunk);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("read: %s", strerror(errno));
        }
        if (n == 0)
            break;
        size_t take = (size_t)n;
        if (bytes + take > cap)
            take = cap - bytes;
        size_t m = 0;
        for (size_t i = 0; i < take; i++)
            if (chunk[i] != '\r')
                clean[m++] = chunk[i] ? chunk[i] : '?';
        if (write_all(logfd, clean, m) < 0)
            die("cannot write a log: %s", strerror(errno));
        /* the text just read, after the end of what came before */
        size_t tl = strlen(tail), k = m < sizeof tail - 1 ? m : sizeof tail - 1;
        char *look = xmalloc(tl + m + 1);
        memcpy(look, tail, tl);
        memcpy(look + tl, clean, m);
        look[tl + m] = '\0';
        for (size_t i = 0; i < tl + m; i++)
            if (look[i] == '\0')
                look[i] = '?';
        oom |= says_out_of_memory(look);
        free(look);
        memcpy(tail, clean + m - k, k);
        tail[k] = '\0';
        bytes += (size_t)n;
        if (bytes > cap) {
            o.how = H_FLOOD;
            killed = 1;
            break;
        }
    }
    close(p[0]);
    int status = 0;
    if (!killed) {
        /* Output closed: wait (still with the deadline) for it to exit. */
        for (;;) {
            siginfo_t si;
            si.si_pid = 0;
            if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0 && errno != EINTR)
                die("waitid: %s", strerror(errno));
            if (si.si_pid == pid)
                break;
            if (now() >= deadline) {
                o.how = H_TIMEOUT;
                killed = 1;
                break;
            }
            sleep_ms(2);
        }
    }
    kill(-pid, SIGKILL);        /* its session's stragglers, or all of it */
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            die("waitpid: %s", strerror(errno));
    child_pgid = 0;
    if (uid >= 0) {
        /* Every process of the step's uid, wherever it went. */
        for (int i = 0; uid_alive(uid); i++) {
            if (i == 100)
                die("the sandbox's processes of uid %d do not die", uid);
            kill_uid(uid, base_id + SLOTS);
            sleep_ms(i < 10 ? 1 : 20);
        }
        step_uid = -1;
        if (isolation == ISO_USER)
            remove_files_of(uid);
        for (int i = 0; i < s->nbinds; i++)
            if (s->binds[i].rw)
                give_tree(s->binds[i].host, 0, 0);
        give_slot(&uid_lock);
    }
    o.secs = now() - t0;
    if (!killed) {
        if (WIFEXITED(status)) {
            o.how = H_EXIT;
            o.code = WEXITSTATUS(status);
        } else {
            o.how = H_SIGNAL;
            o.code = WTERMSIG(status);
        }
        if (s && oom && !(o.how == H_EXIT && o.code == 0))
            o.how = H_MEMORY;
    }
    free(bargv);
    free(home);
    return o;
}

/* Run a step that may compile or run a submission's code, sandboxed. */
struct outcome
run_step(const struct step *s, int logfd)
{
    return run_capture(s, s->argv, NULL, NULL, logfd, s->timeout, s->cap);
}

/* Run one of the grader's own commands (never a submission's code). */
struct outcome
run_trusted(char *const argv[], const char *cwd, char *const env[], int logfd, double timeout,
            size_t cap)
{
    return run_capture(NULL, argv, cwd, env, logfd, timeout, cap);
}

/* ------------------------------------------------------------------------ */
/* Choosing the isolation                                                    */

/* Can bubblewrap make its namespaces here? NULL, or why not. */
static char *
probe_namespaces(void)
{
    char *log = xasprintf("%s/probe-%d.log", lockdir, (int)getpid());
    char *argv[] = { "true", NULL };
    struct step s = { argv, "/", NULL, { { NULL, NULL, 0 } }, 0, 20, 4096, 0, 0, NULL };
    int fd = open_log(log);
    isolation = ISO_NAMESPACES;
    struct outcome o = run_step(&s, fd);
    close(fd);
    char *why = NULL;
    if (o.how != H_EXIT || o.code != 0) {
        size_t len;
        char *msg = read_file(log, &len);
        while (msg && len > 0 && msg[len - 1] == '\n')
            msg[--len] = '\0';
        char *last = msg ? strrchr(msg, '\n') : NULL;
        why = printable(last ? last + 1 : msg && *msg ? msg : "bwrap failed", 200);
        free(msg);
    }
    unlink(log);
    free(log);
    return why;
}

/*
 * Choose the isolation (want: ISO_AUTO for the best this machine allows)
 * and prepare its locks. base is the first sandbox uid and gid (root).
 */
void
sandbox_init(enum isolation want, int base)
{
    am_root = geteuid() == 0;
    base_id = base;
    nproc_base = my_processes();
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    const char *tmp = getenv("TMPDIR");
    lockdir = am_root && access("/run", W_OK) == 0 ? xstrdup("/run/pagebook-grade")
            : xasprintf("%s/pagebook-grade-%d", tmp && *tmp ? tmp : "/tmp", (int)getuid());
    mkdir_p(lockdir);
    if (chmod(lockdir, 0700) < 0)
        die("%s: %s", lockdir, strerror(errno));
    if (want == ISO_NONE) {
        isolation = ISO_NONE;
        return;
    }
    if (want == ISO_USER) {
        if (!am_root)
            die("--isolation user: the grader must run as root to run steps as other users");
        isolation = ISO_USER;
        return;
    }
    why_not_ns = probe_namespaces();
    if (why_not_ns == NULL)
        isolation = ISO_NAMESPACES;
    else if (want == ISO_NAMESPACES)
        die("--isolation namespaces: bubblewrap cannot make its namespaces here: %s", why_not_ns);
    else
        isolation = am_root ? ISO_USER : ISO_NONE;
}

/* One line for the report: which isolation, and why. */
const char *
sandbox_description(void)
{
    static char *d;
    free(d);
    if (isolation == ISO_NAMESPACES)
        d = xasprintf("namespaces (bubblewrap%s)", am_root ? ", each step as a uid of its own" : "");
    else if (isolation == ISO_USER)
        d = xasprintf("user (each step as a uid of its own, %d and up%s%s)", base_id,
                      why_not_ns ? "; no namespaces: " : "", why_not_ns ? why_not_ns : "");
    else
        d = xasprintf("none: the submission's code ran as the grader%s%s",
                      why_not_ns ? "; no namespaces: " : "", why_not_ns ? why_not_ns : "");
    return d;
}

/*
 * With user isolation, a step's uid must not read what is private: the
 * reference, the specification, the hidden tests. Die naming the first
 * path it can read.
 */
void
sandbox_check_private(const char *const *paths, int n)
{
    if (isolation != ISO_USER)
        return;
    int p[2];
    if (pipe(p) < 0)
        die("pipe: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid == 0) {
        close(p[0]);
        int u = base_id + SLOTS;    /* a uid no step uses, with no group */
        if (setgroups(0, NULL) < 0 || setresgid(u, u, u) < 0 || setresuid(u, u, u) < 0)
            _exit(2);
        for (int i = 0; i < n; i++) {
            int fd = open(paths[i], O_RDONLY);
            if (fd >= 0) {
                dprintf(p[1], "%s", paths[i]);
                _exit(1);
            }
        }
        _exit(0);
    }
    close(p[1]);
    char got[4096];
    ssize_t k = read(p[0], got, sizeof got - 1);
    close(p[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (k > 0) {
        got[k] = '\0';
        die("--isolation user: another user can read %s; keep the reference, the "
            "specification and the hidden tests private (chmod -R go-rwx on their directory)", got);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("--isolation user: cannot check what the sandbox's users can read");
}
