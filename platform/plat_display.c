/* Backlight power through the kernel's backlight class (see plat_display.h). */
#include "plat_display.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>

#define FB_BLANK_UNBLANK   0 /* bl_power values from linux/fb.h */
#define FB_BLANK_POWERDOWN 4

int plat_display_power(const char *class_dir, bool on)
{
    const char *dir = class_dir && *class_dir ? class_dir : "/sys/class/backlight";
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s/bl_power", dir, e->d_name);
        FILE *f = fopen(path, "w");
        if (!f)
            continue;
        int ok = fprintf(f, "%d\n", on ? FB_BLANK_UNBLANK : FB_BLANK_POWERDOWN) > 0;
        if (fclose(f) == 0 && ok)
            n++;
    }
    closedir(d);
    return n;
}
