/* harness.h: what the files of a host-test harness (the trusted process) share. */
#ifndef HARNESS_H
#define HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include "rpc.h"

#define PG 4096UL
#define NFRAMES (SIM_RAM_SIZE / PG)

/* child.c: the child process, and the harness's output */
int child_start(const char *server, int ramfd, char *why, size_t n);
int child_call(const struct rpc_req *q, struct rpc_rep *r, char *why, size_t n);
void child_stop(char *how, size_t n);
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void printable(char *s);

/* sandbox.c */
int sandbox_enter(void);

/* harness.c: the frame allocator's calls, for the test cases */
extern uint8_t *ram;            /* the simulated RAM, shared with the child */
_Noreturn void fail_at(int line, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void f_init(uint64_t start, uint64_t end);
uint64_t f_alloc(void);
void f_free(uint64_t ppn);
void f_get(uint64_t ppn);
uint32_t f_refs(uint64_t ppn);
uint64_t f_free_count(void);
void must_panic(int line, int op, uint64_t a, uint64_t b, const char *fragment);
void must_panic5(int line, int op, uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
                 const char *fragment, const char *why);

/* vm.c's calls, for vmcases.c: tables and entries as physical addresses. */
uint64_t v_walk(uint64_t table, uint64_t va, int alloc);
int v_map(uint64_t table, uint64_t va, uint64_t pa, uint64_t npages, uint64_t perm);
void v_unmap(uint64_t table, uint64_t va, uint64_t npages, int free_frames);
uint64_t v_translate(uint64_t table, uint64_t va, uint64_t need);
void v_pt_free(uint64_t table);
void v_hoard(uint64_t left);
void v_release(void);

/* mm.c's and elf.c's, for mmcases.c: an address space is a handle (0: NULL). */
uint64_t m_new(void);
int m_map(uint64_t mm, uint64_t start, uint64_t end, uint64_t perm, int use);
int m_unmap_range(uint64_t mm, uint64_t start, uint64_t end, int use);
uint64_t m_area(uint64_t mm, uint64_t va, int which);  /* 0 start 1 end 2 perm 3 use */
uint64_t m_pt(uint64_t mm);
void m_free(uint64_t mm);
int m_free_ok(uint64_t mm);             /* mm_free, which may panic: 1 if it returned */
uint64_t e_load(uint64_t pa, uint64_t n, char *err, size_t errn);
uint64_t e_out(int which);              /* 0 entry, 1 user_sp, 2 the trampoline's pa */
uint64_t m_usage(int which);            /* 0 heap bytes, 1 areas, 2 area slabs */

/* Checks, as cmocka's assert_true and assert_int_equal: a failure ends the test. */
#define CHECK(c) do {                                                       \
        if (!(c))                                                           \
            fail_at(__LINE__, "check failed: %s", #c);                      \
    } while (0)
#define CHECK_EQ(x, y) do {                                                 \
        uint64_t x_ = (x), y_ = (y);                                        \
        if (x_ != y_)                                                       \
            fail_at(__LINE__, "%s == %s: %lu != %lu", #x, #y,               \
                    (unsigned long)x_, (unsigned long)y_);                  \
    } while (0)
#define MUST_PANIC(op, a, b, fragment) must_panic(__LINE__, (op), (a), (b), (fragment))

/* cases.c, vmcases.c or mmcases.c: the tests, and what they test */
struct test_case {
    const char *name;
    void (*run)(void);
    int setup_all;              /* first manage the whole RAM (cmocka's setup_all) */
    const char *group;          /* its group (HARNESS SERVER GROUP), or NULL */
};
extern const char unit_harness[];       /* "frame_harness" */
extern const char unit_code[];          /* "frame.c" */
extern const char unit_cases[];         /* "cases.c": the tests' file, in messages */

/* "R|W|U": PTE flag bits as the messages show them, into s[n]. */
const char *pte_flags(uint64_t flags, char *s, size_t n);
extern const struct test_case test_cases[];
extern const int ntest_cases;
void setup_all(void);

#endif
