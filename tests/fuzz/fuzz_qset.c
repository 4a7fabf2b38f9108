/* Question-set JSON as it comes from a USB stick or a staff laptop: qset_load_buffer on any
 * bytes must load or refuse with messages, never crash, leak or read out of bounds. Clips and
 * icons resolve against tests/qsets so that valid seeds reach the clip checks. */
#include "fuzzlib.h"
#include "qset.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static qset_diag diag; /* 64 KiB; one input at a time */
    qset *qs = NULL;
    diag.n = 0;
    diag.dropped = 0;
    if (qset_load_buffer((const char *)data, size, "fuzz.json", WIJKPEIL_SOURCE_DIR "/tests/qsets",
                         fz_strings(), &qs, &diag) == 0) {
        /* Walk what a loaded set hands out, as the UI would. */
        for (int i = 0; i < qset_n_questions(qs); i++) {
            const qset_question *q = qset_question_at(qs, i);
            for (int k = 0; k < q->n_options; k++)
                (void)qset_find_option(q, q->options[k].id);
            (void)qset_find_question(qs, q->id);
        }
        for (int i = 0; i < qset_n_languages(qs); i++)
            (void)qset_language_index(qs, qset_language(qs, i));
        qset_free(qs);
    }
    return 0;
}
