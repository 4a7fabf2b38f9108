/* Markdown to plain text (md.c, libcmark): plain texts stay byte for byte, emphasis, links,
 * images, lists and headings become their text with what was removed reported, and no raw
 * markup survives. */
#include "md.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Converts in and checks the result and the mask. */
static void expect(const char *in, const char *want, unsigned want_found)
{
    char *out = NULL, err[256] = "";
    unsigned found = 99;
    int rc = md_to_plain(in, &out, &found, err, sizeof err);
    CHECKF(rc == 0, "md_to_plain(\"%s\"): %s", in, err);
    CHECKF(out && !strcmp(out, want), "\"%s\" -> \"%s\", want \"%s\"", in, out ? out : "(null)",
           want);
    CHECKF(found == want_found, "\"%s\": found 0x%x, want 0x%x", in, found, want_found);
    free(out);
}

static void test_plain_unchanged(void)
{
    expect("Hoe gaat het met u?", "Hoe gaat het met u?", 0);
    expect("1 = stimme gar nicht zu, 5 = stimme voll zu",
           "1 = stimme gar nicht zu, 5 = stimme voll zu", 0);
    expect("Eerste regel\nTweede regel", "Eerste regel\nTweede regel", 0);
    expect("Alinea een.\n\nAlinea twee.", "Alinea een.\n\nAlinea twee.", 0);
    expect("file_name_with_underscores and 3 * 4 = 12", "file_name_with_underscores and 3 * 4 = 12",
           0);
    expect("ሰላም! ኣብ ከባቢኻ ከመይ ኣሎ?", "ሰላም! ኣብ ከባቢኻ ከመይ ኣሎ?", 0);
    expect("", "", 0);
}

static void test_emphasis_removed(void)
{
    expect("Wie **oft** gehen Sie *hier* spazieren?", "Wie oft gehen Sie hier spazieren?",
           MD_EMPHASIS);
    expect("__Let op__: _één_ antwoord", "Let op: één antwoord", MD_EMPHASIS);
    expect("a \\*star\\* here", "a *star* here", MD_ESCAPE);
}

static void test_structure_to_text(void)
{
    expect("Zie [de website](https://example.org) voor meer", "Zie de website voor meer", MD_LINK);
    expect("![een boom](tree.png) Bomen", "een boom Bomen", MD_IMAGE);
    expect("# Uw buurt\nHoe is het?", "Uw buurt\n\nHoe is het?", MD_HEADING);
    expect("Kies:\n\n- groen\n- veilig\n- schoon",
           "Kies:\n\n\u2022 groen\n\u2022 veilig\n\u2022 schoon", MD_LIST);
    expect("1. Wie alt sind Sie?", "1. Wie alt sind Sie?", MD_LIST);
    expect("3) drie\n4) vier", "3) drie\n4) vier", MD_LIST);
    expect("Gebruik `code` hier", "Gebruik code hier", MD_CODE);
    expect("Tekst<br>met html", "Tekstmet html", MD_HTML);
    expect("> geciteerd", "geciteerd", MD_QUOTE);
    expect("### **Belangrijk**", "Belangrijk", MD_HEADING | MD_EMPHASIS);
}

static void test_describe_and_limits(void)
{
    char buf[256];
    md_describe(MD_EMPHASIS | MD_LINK, buf, sizeof buf);
    CHECK(strstr(buf, "emphasis") && strstr(buf, "a link"));
    md_describe(0, buf, sizeof buf);
    CHECK(buf[0] == '\0');
    char small[8];
    md_describe(MD_EMPHASIS | MD_LINK | MD_LIST, small, sizeof small);
    CHECK(strlen(small) < sizeof small);
    size_t n = MD_MAX_INPUT + 10;
    char *big = malloc(n + 1);
    CHECK(big != NULL);
    if (!big)
        return;
    memset(big, 'a', n);
    big[n] = '\0';
    char *out = NULL, err[128] = "";
    unsigned found = 0;
    CHECK(md_to_plain(big, &out, &found, err, sizeof err) == -1 && !out && strstr(err, "long"));
    free(big);
}

int main(void)
{
    RUN(test_plain_unchanged);
    RUN(test_emphasis_removed);
    RUN(test_structure_to_text);
    RUN(test_describe_and_limits);
    return test_main();
}
