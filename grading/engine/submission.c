/*
 * submission.c: where a submission's files are (a tree, the editable files
 * alone, an archive of either, one directory or archive deep) and taking
 * only its editable files, noting what else it holds.
 */
#include "grade.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ignore_ctx {
    const char *ref;
    int count;
    char **used;                /* submission files taken under another name */
    int nused;
};

int
is_editable(const char *rel)
{
    for (int i = 0; i < spec.neditable; i++)
        if (strcmp(spec.editable[i], rel) == 0)
            return 1;
    return 0;
}

/* Report a submission's file that is not editable and differs from the reference. */
static void
ignore_visit(const char *root, const char *rel, const struct stat *st, void *arg)
{
    struct ignore_ctx *c = arg;
    if (S_ISDIR(st->st_mode) || is_editable(rel))
        return;
    for (int i = 0; i < c->nused; i++)
        if (strcmp(c->used[i], rel) == 0)
            return;
    char *mine = xasprintf("%s/%s", root, rel), *ref = xasprintf("%s/%s", c->ref, rel);
    struct stat rst;
    const char *why = NULL;
    if (lstat(ref, &rst) < 0)
        why = "not editable, not in the lab";
    else if (!S_ISREG(st->st_mode) || !S_ISREG(rst.st_mode) || !same_file(mine, ref))
        why = "not editable; the lab's own is used";
    if (why && ++c->count <= MAX_IGNORED) {
        char *p = printable(rel, 200);
        note("ignored: %s (%s)", p, why);
        free(p);
    }
    free(mine);
    free(ref);
}

/* Is no directory on the way from root to root/rel a link (or not a directory)? */
static int
plain_dirs(const char *root, const char *rel)
{
    char *p = xasprintf("%s/%s", root, rel);
    size_t skip = strlen(root) + 1;
    int ok = 1;
    for (char *s = p + skip; ok && (s = strchr(s, '/')) != NULL; s++) {
        struct stat st;
        *s = '\0';
        ok = lstat(p, &st) < 0 ? errno == ENOENT : S_ISDIR(st.st_mode);
        *s = '/';
    }
    free(p);
    return ok;
}

/* Junk some archivers add, ignored when looking for the top of a tree. */
static int
junk_name(const char *n)
{
    return n[0] == '.' || strcmp(n, "__MACOSX") == 0;
}

/* Does dir hold an editable file, at its path or by its base name? */
static int
has_editable(const char *dir)
{
    for (int i = 0; i < spec.neditable; i++) {
        const char *rel = spec.editable[i], *base = strrchr(rel, '/');
        char *a = xasprintf("%s/%s", dir, rel), *b = xasprintf("%s/%s", dir, base ? base + 1 : rel);
        struct stat st;
        int found = lstat(a, &st) == 0 || lstat(b, &st) == 0;
        free(a);
        free(b);
        if (found)
            return 1;
    }
    return 0;
}

/*
 * The top of the submission's tree below dir: dir itself if it holds an
 * editable file; else, while dir holds just one directory (or just one
 * archive, which is unpacked), that. NULL (sub_error set) if an archive
 * in it cannot be used.
 */
static char *
find_root(const char *dir, int *unpacked)
{
    char *cur = xstrdup(dir);
    for (int depth = 0; depth < 8 && !has_editable(cur); depth++) {
        DIR *d = opendir(cur);
        if (d == NULL)
            break;
        char *only = NULL;
        int count = 0;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (junk_name(e->d_name))
                continue;
            if (count++ == 0)
                only = xstrdup(e->d_name);
        }
        closedir(d);
        if (count != 1) {
            free(only);
            break;
        }
        char *next = xasprintf("%s/%s", cur, only);
        struct stat st;
        if (lstat(next, &st) == 0 && S_ISREG(st.st_mode) && is_archive(only) && !*unpacked) {
            char *dest = xasprintf("%s/unpacked", rundir);
            note("unpacking %s", only);
            *unpacked = 1;
            sub_error = unpack_archive(next, dest, rundir);
            free(next);
            next = dest;
        } else if (lstat(next, &st) < 0 || !S_ISDIR(st.st_mode)) {
            free(next);
            free(only);
            break;
        }
        free(only);
        free(cur);
        cur = next;
        if (sub_error) {
            free(cur);
            return NULL;
        }
    }
    return cur;
}

/*
 * Copy the submission's editable files into tree, note what is
 * ignored. The submission is a directory or an archive; its files are
 * taken at their paths in the lab, or by base name from its top (a flat
 * upload of just the files).
 */
void
overlay_submission(const char *tree)
{
    struct stat st;
    if (stat(opt.submission, &st) < 0)
        die("%s: %s", opt.submission, strerror(errno));
    int unpacked = 0;
    char *root;
    if (S_ISREG(st.st_mode) && is_archive(opt.submission)) {
        char *dest = xasprintf("%s/unpacked", rundir);
        unpacked = 1;
        sub_error = unpack_archive(opt.submission, dest, rundir);
        root = sub_error ? NULL : find_root(dest, &unpacked);
        free(dest);
    } else if (S_ISDIR(st.st_mode)) {
        root = find_root(opt.submission, &unpacked);
    } else {
        sub_error = xasprintf("submission %s is not a directory or a .tar.gz archive", opt.submission);
        return;
    }
    if (root == NULL)
        return;
    struct ignore_ctx c = { opt.ref, 0, NULL, 0 };
    struct buf missing = { 0 };
    for (int i = 0; i < spec.neditable; i++) {
        const char *rel = spec.editable[i], *base = strrchr(rel, '/');
        base = base ? base + 1 : rel;
        char *src = xasprintf("%s/%s", root, rel);
        char *dst = xasprintf("%s/%s", tree, rel);
        const char *took = rel;
        if (lstat(src, &st) < 0 && errno == ENOENT && plain_dirs(root, rel) && base != rel) {
            char *flat = xasprintf("%s/%s", root, base);
            if (lstat(flat, &st) == 0) {
                free(src);
                src = flat;
                took = base;
                c.used = xrealloc(c.used, (size_t)(c.nused + 1) * sizeof *c.used);
                c.used[c.nused++] = xstrdup(base);
                note("took %s for %s", base, rel);
            } else {
                free(flat);
            }
        }
        if (!plain_dirs(root, took))
            buf_printf(&missing, "%s%s (a directory on its path is a link)", missing.len ? ", " : "", rel);
        else if (lstat(src, &st) < 0)
            buf_printf(&missing, "%s%s (missing)", missing.len ? ", " : "", rel);
        else if (!S_ISREG(st.st_mode))
            buf_printf(&missing, "%s%s (not a regular file)", missing.len ? ", " : "", rel);
        else if (st.st_size > MAX_FILE_SIZE)
            buf_printf(&missing, "%s%s (larger than %d bytes)", missing.len ? ", " : "", rel, MAX_FILE_SIZE);
        else if (copy_file(src, dst, 0) < 0)
            buf_printf(&missing, "%s%s (%s)", missing.len ? ", " : "", rel, strerror(errno));
        free(src);
        free(dst);
    }
    if (missing.len)
        sub_error = xasprintf("unusable editable files: %s", missing.s);
    free(missing.s);
    walk_tree(root, "", ignore_visit, &c);
    if (c.count > MAX_IGNORED)
        note("ignored: %d more files", c.count - MAX_IGNORED);
    for (int i = 0; i < c.nused; i++)
        free(c.used[i]);
    free(c.used);
    free(root);
}
