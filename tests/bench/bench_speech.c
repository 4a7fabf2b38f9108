/* Speech benchmark: how long speech_say takes to return, how soon the first audio of a question
 * reaches the device, and how fast espeak-ng synthesises, per resident language.
 * Run: SDL_AUDIODRIVER=dummy ./bench_speech [rounds] (any SDL audio driver works). */
#include "speech.h"

#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BENCH_MAX_ROUNDS 100

typedef struct {
    const char *lang;
    const char *question;
    const char *options[4];
} bench_q;

static const bench_q questions[] = {
    {"nl",
     "Hoe tevreden bent u over de speeltuin in uw buurt?",
     {"Zeer tevreden", "Tevreden", "Ontevreden", "Weet ik niet"}},
    {"en",
     "How satisfied are you with the playground in your neighbourhood?",
     {"Very satisfied", "Satisfied", "Dissatisfied", "I don't know"}},
    {"ar", "ما مدى رضاك عن الملعب في حيك؟", {"راضٍ جدًا", "راضٍ", "غير راضٍ", "لا أعرف"}},
    {"tr",
     "Mahallenizdeki oyun alanından ne kadar memnunsunuz?",
     {"Çok memnunum", "Memnunum", "Memnun değilim", "Bilmiyorum"}},
    {"pl",
     "Jak bardzo jesteś zadowolony z placu zabaw w swojej okolicy?",
     {"Bardzo zadowolony", "Zadowolony", "Niezadowolony", "Nie wiem"}},
    {"uk",
     "Наскільки ви задоволені дитячим майданчиком у вашому районі?",
     {"Дуже задоволений", "Задоволений", "Незадоволений", "Не знаю"}},
};

static double now_ms(void)
{
    return (double)SDL_GetPerformanceCounter() * 1000.0 / (double)SDL_GetPerformanceFrequency();
}

static void wait_until(speech *s, bool (*done)(const speech_stats *, int), int arg, int max_ms)
{
    double end = now_ms() + max_ms;
    speech_stats st;
    speech_get_stats(s, &st);
    while (!done(&st, arg) && now_ms() < end) {
        SDL_Delay(1);
        speech_get_stats(s, &st);
    }
}

static bool first_audio(const speech_stats *st, int unused)
{
    (void)unused;
    return st->first_audio_ms >= 0;
}

static bool all_done(const speech_stats *st, int n)
{
    return st->segments_done >= n;
}

int main(int argc, char **argv)
{
    long rounds = 5;
    if (argc > 1) {
        char *end = NULL;
        rounds = strtol(argv[1], &end, 10);
        if (!end || *end || rounds < 1 || rounds > BENCH_MAX_ROUNDS) {
            fprintf(stderr, "usage: bench_speech [rounds 1..%d]\n", BENCH_MAX_ROUNDS);
            return 2;
        }
    }
    if (SDL_Init(SDL_INIT_EVENTS) != 0) {
        fprintf(stderr, "SDL_Init: %s\n", SDL_GetError());
        return 1;
    }
    double t0 = now_ms();
    speech *s = NULL;
    char err[512];
    speech_options opt = {.volume = SPEECH_VOLUME_DEFAULT};
    if (speech_open(&opt, &s, err, sizeof err) != 0) {
        fprintf(stderr, "speech_open: %s\n", err);
        SDL_Quit();
        return 1;
    }
    printf("speech_open (espeak-ng init + audio device, driver %s): %.1f ms\n",
           SDL_GetCurrentAudioDriver(), now_ms() - t0);
    printf("%-4s %10s %10s %10s %12s %12s\n", "lang", "say ms", "first ms", "speech s", "synth ms",
           "x real time");
    for (size_t q = 0; q < sizeof questions / sizeof *questions; q++) {
        const bench_q *b = &questions[q];
        speech_segment segs[5];
        segs[0] = (speech_segment){.text = b->question, .lang = b->lang, .tag = 0};
        for (int i = 0; i < 4; i++)
            segs[i + 1] = (speech_segment){.text = b->options[i], .lang = b->lang, .tag = i + 1};
        double say_max = 0, first_sum = 0, first_max = 0, sec_sum = 0, synth_sum = 0;
        for (long r = 0; r < rounds; r++) {
            double a = now_ms();
            speech_say(s, segs, 5);
            double say = now_ms() - a;
            say_max = say > say_max ? say : say_max;
            wait_until(s, first_audio, 0, 2000);
            wait_until(s, all_done, 5, 10000);
            speech_stats st;
            speech_get_stats(s, &st);
            first_sum += st.first_audio_ms;
            first_max = st.first_audio_ms > first_max ? st.first_audio_ms : first_max;
            for (int i = 0; i < 5; i++) {
                sec_sum += (double)st.samples[i] / SPEECH_RATE;
                synth_sum += st.synth_ms[i];
            }
            speech_stop(s);
            SDL_Delay(20);
        }
        printf("%-4s %10.3f %6.1f/%-4.0f %10.2f %12.2f %12.0f\n", b->lang, say_max,
               first_sum / (double)rounds, first_max, sec_sum / (double)rounds,
               synth_sum / (double)rounds, sec_sum * 1000.0 / (synth_sum > 0 ? synth_sum : 1));
    }
    printf("(say ms: worst; first ms: mean/worst from speech_say to the first spoken sample "
           "handed to the device, which then plays it within one %d-sample buffer)\n",
           1024);
    speech_close(s);
    SDL_Quit();
    return 0;
}
