/* Runs a fuzz target's LLVMFuzzerTestOneInput once on every file of the folders given (its seeds,
 * crashes found kept among them) without libFuzzer, so ordinary test builds (GCC, ASan+UBSan)
 * replay them: a parser regression fails ctest even where clang is not installed. */
#include "fuzzlib.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t cap = 4096, len = 0;
    unsigned char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            unsigned char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    int bad = ferror(f) || !buf;
    fclose(f);
    if (bad) {
        fprintf(stderr, "%s: cannot read\n", path);
        free(buf);
        return -1;
    }
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    int files = 0;
    for (int i = 1; i < argc; i++) {
        DIR *d = opendir(argv[i]);
        if (!d) {
            perror(argv[i]);
            return 1;
        }
        char *names[1024];
        int n = 0;
        struct dirent *e;
        while ((e = readdir(d)) != NULL && n < 1024)
            if (e->d_name[0] != '.' && !(names[n++] = strdup(e->d_name)))
                return 1;
        closedir(d);
        qsort(names, (size_t)n, sizeof names[0], cmp_str);
        for (int k = 0; k < n; k++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], names[k]);
            struct stat st;
            if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
                printf("%s\n", path);
                fflush(stdout);
                if (replay_file(path) != 0)
                    return 1;
                files++;
            }
            free(names[k]);
        }
    }
    printf("%d inputs replayed\n", files);
    return files > 0 ? 0 : 1;
}
