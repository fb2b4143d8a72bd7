/* test_fdt.c: the kernel's device-tree reader on real and malformed blobs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "types.h"
#include "fdt.h"

/* Real blobs dumped from QEMU by the Makefile: argv[1..3] = 32M, 128M, 1G. */
static const char *dtb_path[3];
static const uint64 dtb_mib[3] = { 32, 128, 1024 };

struct file { uint8 *data; size_t size; };

static struct file
load(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    struct file fl = { malloc(1 << 20), 0 };
    assert_non_null(fl.data);
    fl.size = fread(fl.data, 1, 1 << 20, f);
    fclose(f);
    assert_true(fl.size >= 40);
    return fl;
}

static uint32 get32(const uint8 *p) { return (uint32)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }
static void put32(uint8 *p, uint32 v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }

/*
 * Parse a copy of exactly `limit` bytes in its own heap block, so that
 * AddressSanitizer catches any read past what the parser may touch.
 */
static int
parse_copy(const uint8 *blob, size_t limit, struct fdt_info *info, const char **err)
{
    uint8 *copy = malloc(limit ? limit : 1);
    assert_non_null(copy);
    memcpy(copy, blob, limit);
    int r = fdt_parse(copy, limit, info, err);
    free(copy);
    return r;
}

static void
expect_error(const uint8 *blob, size_t limit, const char *fragment)
{
    struct fdt_info info;
    const char *err = NULL;
    assert_int_equal(parse_copy(blob, limit, &info, &err), -1);
    assert_non_null(err);
    if (strstr(err, fragment) == NULL)
        fail_msg("error '%s' does not mention '%s'", err, fragment);
}

/* ---- real blobs --------------------------------------------------------- */

static void
test_real_blobs(void **state)
{
    (void)state;
    for (int i = 0; i < 3; i++) {
        struct file fl = load(dtb_path[i]);
        struct fdt_info info;
        const char *err = "unset";
        uint32 total = get32(fl.data + 4);
        assert_int_equal(parse_copy(fl.data, total, &info, &err), 0);
        assert_int_equal(info.mem_base, 0x80000000UL);
        assert_int_equal(info.mem_size, dtb_mib[i] << 20);
        assert_int_equal(info.timebase, 10000000);
        assert_int_equal(info.finisher, 0x100000);
        assert_int_equal(info.blob_size, total);
        free(fl.data);
    }
}

/* ---- real blob, damaged ------------------------------------------------- */

static struct file real;

static int setup_real(void **state) { (void)state; real = load(dtb_path[1]); return 0; }
static int teardown_real(void **state) { (void)state; free(real.data); return 0; }

static uint8 *
damaged(void)
{
    uint8 *b = malloc(real.size);
    assert_non_null(b);
    memcpy(b, real.data, real.size);
    return b;
}

/* Offset (in the blob) of the first structure token equal to tok. */
static uint32
find_token(const uint8 *b, uint32 tok)
{
    uint32 off = get32(b + 8), end = off + get32(b + 36);
    for (uint32 p = off; p < end; p += 4)
        if (get32(b + p) == tok)
            return p;
    fail_msg("token %u not found", tok);
    return 0;
}

static void
test_damaged_header(void **state)
{
    (void)state;
    uint32 total = get32(real.data + 4);
    uint8 *b = damaged();
    expect_error(b, 39, "smaller than its header");
    put32(b, 0xfeeddead);
    expect_error(b, total, "bad magic");
    memcpy(b, real.data, 8);
    expect_error(b, total - 1, "totalsize");            /* blob larger than allowed */
    put32(b + 20, 16);
    expect_error(b, total, "version");
    put32(b + 20, 17);
    put32(b + 8, total + 4);
    expect_error(b, total, "structure block");
    put32(b + 8, get32(real.data + 8) + 2);
    expect_error(b, total, "structure block");          /* misaligned */
    put32(b + 8, get32(real.data + 8));
    put32(b + 32, total);
    expect_error(b, total, "strings block");
    free(b);
}

static void
test_damaged_structure(void **state)
{
    (void)state;
    uint32 total = get32(real.data + 4);
    uint8 *b = damaged();
    uint32 prop = find_token(b, 3);

    put32(b + prop + 8, 0xfffff000);                     /* nameoff */
    expect_error(b, total, "name offset");
    memcpy(b, real.data, real.size);
    put32(b + prop + 4, 0x7ffffff0);                     /* value length */
    expect_error(b, total, "runs past the structure block");
    memcpy(b, real.data, real.size);
    put32(b + get32(b + 8), 7);                          /* first token */
    expect_error(b, total, "unknown token");
    memcpy(b, real.data, real.size);
    put32(b + 36, get32(b + 36) - 4);                    /* drop END */
    expect_error(b, total, "without an END token");
    memcpy(b, real.data, real.size);
    put32(b + get32(b + 8) + get32(b + 36) - 8, 4);      /* last END_NODE -> NOP */
    expect_error(b, total, "inside an open node");
    memcpy(b, real.data, real.size);
    put32(b + get32(b + 8), 2);                          /* END_NODE first */
    expect_error(b, total, "without a matching BEGIN_NODE");
    free(b);
}

/* Random single-word damage must never crash or read out of bounds. */
static void
test_random_damage(void **state)
{
    (void)state;
    uint32 total = get32(real.data + 4);
    uint8 *b = damaged();
    unsigned seed = 12345;
    int rejected = 0;
    for (int i = 0; i < 20000; i++) {
        memcpy(b, real.data, total);
        for (int k = 0; k < 3; k++) {
            seed = seed * 1103515245 + 12345;
            uint32 at = (seed >> 8) % (total / 4) * 4;
            seed = seed * 1103515245 + 12345;
            put32(b + at, seed % 4 == 0 ? seed : seed % 64);
        }
        struct fdt_info info;
        const char *err = NULL;
        if (parse_copy(b, total, &info, &err) < 0) {
            assert_non_null(err);
            rejected++;
        }
    }
    assert_true(rejected > 1000);
    free(b);
}

/* ---- hand-built trees --------------------------------------------------- */

struct builder {
    uint8 st[4096], str[1024];
    uint32 nst, nstr;
};

static void tok(struct builder *bd, uint32 v) { put32(bd->st + bd->nst, v); bd->nst += 4; }

static void
begin(struct builder *bd, const char *name)
{
    tok(bd, 1);
    size_t n = strlen(name) + 1;
    memcpy(bd->st + bd->nst, name, n);
    bd->nst += (uint32)((n + 3) & ~(size_t)3);
}

static void
prop(struct builder *bd, const char *name, const void *val, uint32 len)
{
    tok(bd, 3);
    tok(bd, len);
    tok(bd, bd->nstr);
    memcpy(bd->str + bd->nstr, name, strlen(name) + 1);
    bd->nstr += (uint32)strlen(name) + 1;
    memcpy(bd->st + bd->nst, val, len);
    bd->nst += (len + 3) & ~3u;
}

static void
prop32(struct builder *bd, const char *name, uint32 v)
{
    uint8 b[4];
    put32(b, v);
    prop(bd, name, b, 4);
}

static void end(struct builder *bd) { tok(bd, 2); }

/* Assemble header + structure + strings into a heap blob; returns its size. */
static uint8 *
finish(struct builder *bd, uint32 *size)
{
    tok(bd, 9);
    uint32 total = 40 + bd->nst + bd->nstr;
    uint8 *b = calloc(1, total);
    assert_non_null(b);
    put32(b, 0xd00dfeed);
    put32(b + 4, total);
    put32(b + 8, 40);
    put32(b + 12, 40 + bd->nst);
    put32(b + 20, 17);
    put32(b + 24, 16);
    put32(b + 32, bd->nstr);
    put32(b + 36, bd->nst);
    memcpy(b + 40, bd->st, bd->nst);
    memcpy(b + 40 + bd->nst, bd->str, bd->nstr);
    *size = total;
    return b;
}

static void
memory_node(struct builder *bd, const char *name, const char *type)
{
    uint8 reg[8];
    put32(reg, 0x80000000);
    put32(reg + 4, 0x2000000);
    begin(bd, name);
    prop(bd, "device_type", type, (uint32)strlen(type) + 1);
    prop(bd, "reg", reg, 8);
    end(bd);
}

/* Open the root node with 32-bit addresses and sizes, as memory_node() writes. */
static void
root32(struct builder *bd)
{
    begin(bd, "");
    prop32(bd, "#address-cells", 1);
    prop32(bd, "#size-cells", 1);
}

/* A root with 32-bit cells, a memory node and a timebase in cpu@0. */
static void
test_minimal_tree(void **state)
{
    (void)state;
    struct builder bd = { .nst = 0 };
    begin(&bd, "");
    prop32(&bd, "#address-cells", 1);
    prop32(&bd, "#size-cells", 1);
    begin(&bd, "cpus");
    prop32(&bd, "#size-cells", 0);
    begin(&bd, "cpu@0");
    prop32(&bd, "timebase-frequency", 1000000);
    end(&bd);
    end(&bd);
    memory_node(&bd, "memory", "memory");
    end(&bd);
    uint32 size;
    uint8 *b = finish(&bd, &size);
    struct fdt_info info;
    const char *err = NULL;
    assert_int_equal(parse_copy(b, size, &info, &err), 0);
    assert_int_equal(info.mem_base, 0x80000000UL);
    assert_int_equal(info.mem_size, 0x2000000UL);
    assert_int_equal(info.timebase, 1000000);
    assert_int_equal(info.finisher, 0);
    free(b);
}

static void
test_missing_facts(void **state)
{
    (void)state;
    uint32 size;
    uint8 *b;
    struct builder bd = { .nst = 0 };
    root32(&bd);                       /* memory named so but not typed so */
    begin(&bd, "cpus");
    prop32(&bd, "timebase-frequency", 10);
    end(&bd);
    memory_node(&bd, "memory@80000000", "disk");
    end(&bd);
    b = finish(&bd, &size);
    expect_error(b, size, "no /memory node");
    free(b);

    memset(&bd, 0, sizeof bd);            /* a memory node deeper down does not count */
    root32(&bd);
    begin(&bd, "soc");
    memory_node(&bd, "memory", "memory");
    end(&bd);
    begin(&bd, "cpus");
    prop32(&bd, "timebase-frequency", 10);
    end(&bd);
    end(&bd);
    b = finish(&bd, &size);
    expect_error(b, size, "no /memory node");
    free(b);

    memset(&bd, 0, sizeof bd);            /* no timebase */
    root32(&bd);
    memory_node(&bd, "memory", "memory");
    end(&bd);
    b = finish(&bd, &size);
    expect_error(b, size, "timebase");
    free(b);
}

static void
test_structural_limits(void **state)
{
    (void)state;
    uint32 size;
    uint8 *b;
    struct builder bd = { .nst = 0 };
    for (int i = 0; i < 20; i++)
        begin(&bd, "n");
    for (int i = 0; i < 20; i++)
        end(&bd);
    b = finish(&bd, &size);
    expect_error(b, size, "nested too deeply");
    free(b);

    memset(&bd, 0, sizeof bd);            /* reg shorter than the cells say */
    begin(&bd, "");
    begin(&bd, "memory");
    prop(&bd, "device_type", "memory", 7);
    prop32(&bd, "reg", 0x80000000);
    end(&bd);
    end(&bd);
    b = finish(&bd, &size);
    expect_error(b, size, "shorter than");
    free(b);

    memset(&bd, 0, sizeof bd);            /* a node name running to the block's end */
    tok(&bd, 1);
    memcpy(bd.st + bd.nst, "abcd", 4);
    bd.nst += 4;
    b = finish(&bd, &size);
    put32(b + 36, 8);                     /* structure block = token + 4 name bytes */
    expect_error(b, size, "not terminated");
    free(b);

    memset(&bd, 0, sizeof bd);            /* absurd cell counts */
    begin(&bd, "");
    prop32(&bd, "#address-cells", 9);
    end(&bd);
    b = finish(&bd, &size);
    expect_error(b, size, "#address-cells");
    free(b);
}

int
main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s virt-32M.dtb virt-128M.dtb virt-1G.dtb\n", argv[0]);
        return 2;
    }
    for (int i = 0; i < 3; i++)
        dtb_path[i] = argv[i + 1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_blobs),
        cmocka_unit_test_setup_teardown(test_damaged_header, setup_real, teardown_real),
        cmocka_unit_test_setup_teardown(test_damaged_structure, setup_real, teardown_real),
        cmocka_unit_test_setup_teardown(test_random_damage, setup_real, teardown_real),
        cmocka_unit_test(test_minimal_tree),
        cmocka_unit_test(test_missing_facts),
        cmocka_unit_test(test_structural_limits),
    };
    return cmocka_run_group_tests_name("fdt", tests, NULL, NULL);
}
