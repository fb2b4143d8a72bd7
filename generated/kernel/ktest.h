/* ktest.h: tests linked into the kernel (make KTESTS=...) and run at boot. */
#ifndef KTEST_H
#define KTEST_H

/* One test, as KERNEL_TEST records it in section .ktests. */
struct ktest {
    const char *name;
    void (*fn)(void);
};

/*
 * KERNEL_TEST(name) { body } defines a test: a static function with that
 * body, and a record naming it that the linker gathers with all the others
 * into the array [__ktests_start, __ktests_end). name must be a C name.
 */
#define KERNEL_TEST(name)                                               \
    static void ktest_##name(void);                                     \
    static const struct ktest ktest_record_##name                       \
        __attribute__((used, section(".ktests"), aligned(8))) =         \
        { #name, ktest_##name };                                        \
    static void ktest_##name(void)

extern const struct ktest __ktests_start[], __ktests_end[];    /* kernel.ld */

void ktest_run_all(void);
uint64 frame_audit(void);
uint64 frame_counted(void);

#endif
