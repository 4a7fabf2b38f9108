/* The yardstick for the kiosk's start-up (issue 11): a bare SDL2 + SDL2_ttf program that does
 * what any kiosk must before its first frame (a 1920x1080 window with the software renderer, one
 * font, one line of text, present) and nothing else. bench_kiosk runs it beside the kiosk and
 * prints the ratios. Usage: bench_bare_sdl FONT.ttf; prints "stats: first_frame_mono_ms=N" on
 * stderr (CLOCK_MONOTONIC, as the kiosk's --stats) and first_frame_cpu_us (CPU time of the
 * process until then). Links only SDL2 and SDL2_ttf. */
#include <SDL.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <time.h>

int main(int argc, char **argv)
{
    if (argc < 2 || SDL_Init(SDL_INIT_VIDEO) != 0 || TTF_Init() != 0)
        return 2;
    SDL_Window *win = SDL_CreateWindow("bare", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, 1920,
                                       1080, SDL_WINDOW_SHOWN);
    SDL_Renderer *r = win ? SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE) : NULL;
    TTF_Font *font = TTF_OpenFont(argv[1], 48);
    if (!r || !font)
        return 2;
    SDL_Color ink = {0, 0, 0, 255};
    SDL_Surface *s = TTF_RenderUTF8_Blended(font, "Hoe woont u in de wijk?", ink);
    SDL_Texture *t = s ? SDL_CreateTextureFromSurface(r, s) : NULL;
    SDL_SetRenderDrawColor(r, 255, 255, 255, 255);
    SDL_RenderClear(r);
    if (t) {
        SDL_Rect dst = {100, 100, s->w, s->h};
        SDL_RenderCopy(r, t, NULL, &dst);
    }
    SDL_RenderPresent(r);
    struct timespec ts, cpu;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
    fprintf(stderr, "stats: first_frame_mono_ms=%lld first_frame_cpu_us=%lld\n",
            (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000,
            (long long)cpu.tv_sec * 1000000 + cpu.tv_nsec / 1000);
    SDL_DestroyTexture(t);
    SDL_FreeSurface(s);
    TTF_CloseFont(font);
    SDL_DestroyRenderer(r);
    SDL_DestroyWindow(win);
    TTF_Quit();
    SDL_Quit();
    return 0;
}
