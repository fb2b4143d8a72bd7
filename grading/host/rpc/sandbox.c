/* sandbox.c: the seccomp filter the frame harness's child runs under. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "harness.h"

/*
 * What the child must never do, whatever code it runs: write a file
 * (the grader's log is a file, and this process's ancestors' output is
 * reachable through /proc), touch another process (signal, trace, read or
 * write its memory, take its descriptors), make a process or leave its
 * process group (the grader kills the group on a timeout), open a socket,
 * resize the shared RAM (the harness would fault), or change the system.
 * Anything else is allowed: the dynamic loader, ASan and UBSan need a
 * varied, version-dependent set of calls, so this is a list of what is
 * refused, not of what is allowed. System calls numbered from NR_UNKNOWN
 * on are newer than this list: they fail with ENOSYS, as on an old kernel.
 */
#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#elif defined(__riscv) && __riscv_xlen == 64
#define ARCH AUDIT_ARCH_RISCV64
#else
#error "sandbox.c: no seccomp filter for this architecture"
#endif
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "sandbox.c: arguments are read as little-endian words"
#endif

#define NR_UNKNOWN 451          /* cachestat (Linux 6.5) and later */

/* Refused with EPERM. The legacy calls exist on x86-64 only. */
static const int refused[] = {
    SYS_ptrace, SYS_process_vm_readv, SYS_process_vm_writev, SYS_kcmp,
    SYS_pidfd_open, SYS_pidfd_getfd, SYS_pidfd_send_signal, SYS_process_madvise,
    SYS_process_mrelease, SYS_migrate_pages, SYS_move_pages,
    SYS_setpgid, SYS_setsid, SYS_unshare, SYS_setns,
    SYS_socket, SYS_io_uring_setup, SYS_io_uring_enter, SYS_io_uring_register,
    SYS_open_by_handle_at, SYS_renameat, SYS_renameat2, SYS_linkat, SYS_symlinkat,
    SYS_unlinkat, SYS_mkdirat, SYS_mknodat, SYS_truncate, SYS_ftruncate, SYS_fallocate,
    SYS_fchmod, SYS_fchmodat, SYS_fchown, SYS_fchownat, SYS_utimensat,
    SYS_setxattr, SYS_lsetxattr, SYS_fsetxattr, SYS_removexattr, SYS_lremovexattr,
    SYS_fremovexattr,
    SYS_mount, SYS_umount2, SYS_pivot_root, SYS_chroot, SYS_open_tree, SYS_move_mount,
    SYS_fsopen, SYS_fsconfig, SYS_fsmount, SYS_fspick, SYS_mount_setattr,
    SYS_init_module, SYS_finit_module, SYS_delete_module, SYS_kexec_load,
    SYS_kexec_file_load, SYS_reboot, SYS_swapon, SYS_swapoff, SYS_acct, SYS_quotactl,
    SYS_quotactl_fd, SYS_sethostname, SYS_setdomainname, SYS_settimeofday,
    SYS_clock_settime, SYS_clock_adjtime, SYS_adjtimex, SYS_bpf, SYS_perf_event_open,
    SYS_keyctl, SYS_add_key, SYS_request_key, SYS_syslog, SYS_vhangup,
#ifdef __x86_64__
    SYS_fork, SYS_vfork, SYS_creat, SYS_rename, SYS_link, SYS_symlink, SYS_unlink,
    SYS_mkdir, SYS_rmdir, SYS_mknod, SYS_chmod, SYS_chown, SYS_lchown, SYS_utime,
    SYS_utimes, SYS_futimesat, SYS_iopl, SYS_ioperm, SYS_uselib,
#endif
};

/* Refused with ENOSYS: glibc then falls back to the older call we check. */
static const int absent[] = { SYS_clone3, SYS_openat2 };

#define MAX_INSNS 512

struct prog {
    struct sock_filter insn[MAX_INSNS];
    unsigned n;
};

static void
emit(struct prog *p, struct sock_filter s)
{
    if (p->n < MAX_INSNS)
        p->insn[p->n] = s;
    p->n++;
}

#define LOAD(off)       BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off))
#define RET(v)          BPF_STMT(BPF_RET | BPF_K, (v))
#define JEQ(k, t, f)    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (t), (f))
#define JSET(k, t, f)   BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, (k), (t), (f))
#define JGE(k, t, f)    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (k), (t), (f))
#define ARG(i)          (offsetof(struct seccomp_data, args) + 8 * (i))  /* low word */
#define ERRNO(e)        (SECCOMP_RET_ERRNO | ((e) & SECCOMP_RET_DATA))

/* With the syscall number loaded: nr fails with errno e. */
static void
refuse(struct prog *p, int nr, int e)
{
    emit(p, (struct sock_filter)JEQ((unsigned)nr, 0, 1));
    emit(p, (struct sock_filter)RET(ERRNO(e)));
}

/* nr is allowed only if argument arg is one of v1, v2 (in_ok), or is
 * neither (!in_ok); otherwise it fails with errno e. */
static void
check_arg(struct prog *p, int nr, int arg, unsigned v1, unsigned v2, int in_ok, int e)
{
    emit(p, (struct sock_filter)JEQ((unsigned)nr, 0, 5));
    emit(p, (struct sock_filter)LOAD(ARG(arg)));
    emit(p, (struct sock_filter)JEQ(v1, 2, 0));
    emit(p, (struct sock_filter)JEQ(v2, 1, 0));
    emit(p, (struct sock_filter)RET(in_ok ? ERRNO(e) : SECCOMP_RET_ALLOW));     /* neither */
    emit(p, (struct sock_filter)RET(in_ok ? SECCOMP_RET_ALLOW : ERRNO(e)));     /* one of them */
}

/* nr is allowed only if argument arg has none of mask's bits (!want_set),
 * or has them (want_set); otherwise it fails with errno e. */
static void
check_bits(struct prog *p, int nr, int arg, unsigned mask, int want_set, int e)
{
    emit(p, (struct sock_filter)JEQ((unsigned)nr, 0, 4));
    emit(p, (struct sock_filter)LOAD(ARG(arg)));
    emit(p, (struct sock_filter)JSET(mask, want_set ? 0 : 1, want_set ? 1 : 0));
    emit(p, (struct sock_filter)RET(SECCOMP_RET_ALLOW));
    emit(p, (struct sock_filter)RET(ERRNO(e)));
}

/*
 * Enter the sandbox: no new privileges, then the filter. Call in the
 * child, after its descriptors are in place and just before execve: the
 * filter stays through exec and applies to everything the child runs,
 * constructors included. Returns 0, or -1 with errno set.
 */
int
sandbox_enter(void)
{
    static struct prog p;
    unsigned self = (unsigned)getpid();
    unsigned nr_off = offsetof(struct seccomp_data, nr);
    p.n = 0;
    emit(&p, (struct sock_filter)LOAD(offsetof(struct seccomp_data, arch)));
    emit(&p, (struct sock_filter)JEQ(ARCH, 1, 0));
    emit(&p, (struct sock_filter)RET(SECCOMP_RET_KILL_PROCESS));
    emit(&p, (struct sock_filter)LOAD(nr_off));
#ifdef __x86_64__
    emit(&p, (struct sock_filter)JGE(0x40000000u, 0, 1));          /* x32 calls */
    emit(&p, (struct sock_filter)RET(SECCOMP_RET_KILL_PROCESS));
#endif
    emit(&p, (struct sock_filter)JGE(NR_UNKNOWN, 0, 1));
    emit(&p, (struct sock_filter)RET(ERRNO(ENOSYS)));
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        refuse(&p, refused[i], EPERM);
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        refuse(&p, absent[i], ENOSYS);
    /* Each check below ends in a return: the number need not be reloaded. */
    unsigned wr = O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND;
    check_bits(&p, SYS_openat, 2, wr, 0, EACCES);               /* read-only opens */
#ifdef __x86_64__
    check_bits(&p, SYS_open, 1, wr, 0, EACCES);
#endif
    check_bits(&p, SYS_clone, 0, CLONE_THREAD, 1, EPERM);       /* threads only */
    check_arg(&p, SYS_kill, 0, self, self, 1, EPERM);           /* itself only */
    check_arg(&p, SYS_tkill, 0, self, self, 1, EPERM);
    check_arg(&p, SYS_tgkill, 0, self, self, 1, EPERM);
    check_arg(&p, SYS_rt_sigqueueinfo, 0, self, self, 1, EPERM);
    check_arg(&p, SYS_rt_tgsigqueueinfo, 0, self, self, 1, EPERM);
    check_arg(&p, SYS_prlimit64, 0, 0, self, 1, EPERM);         /* 0 = itself */
    check_arg(&p, SYS_ioctl, 1, TIOCSTI, TIOCLINUX, 0, EPERM);  /* no typing into a tty */
    emit(&p, (struct sock_filter)RET(SECCOMP_RET_ALLOW));
    if (p.n > MAX_INSNS) {
        errno = E2BIG;
        return -1;
    }
    struct sock_fprog fp = { (unsigned short)p.n, p.insn };
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return -1;
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp, 0, 0);
}
