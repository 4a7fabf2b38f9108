// The collector's public page in a real browser (Debian's chromium, headless, driven by
// puppeteer-core): /public/pottenberg and /public/ (every location side by side) in every
// language given, axe-core on each, the cards there, Arabic right to left, no request to another
// origin, no cookie; screenshots under OUTDIR.
// usage: NODE_PATH=.../node_modules node public_browser.js URL OUTDIR LANG...
'use strict';
const puppeteer = require('puppeteer-core');
const fs = require('fs');
const path = require('path');

const [url, outdir, ...langs] = process.argv.slice(2);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const origin = new URL(url).origin;
let failures = 0;
function check(what, ok, detail) {
    if (ok) console.log(`ok   ${what}`);
    else {
        console.error(`FAIL: ${what}${detail ? `: ${detail}` : ''}`);
        failures++;
    }
}

async function main() {
    const browser = await puppeteer.launch({
        executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage',
               '--proxy-server=direct://', '--proxy-bypass-list=*'],
    });
    try {
        const page = await (await browser.createBrowserContext()).newPage();
        // the page forbids scripts (CSP): bypassed so that axe can run in it
        await page.setBypassCSP(true);
        await page.setViewport({width: 1024, height: 900});
        const elsewhere = [];
        page.on('request', r => {
            if (new URL(r.url()).origin !== origin) elsewhere.push(r.url());
        });
        for (const lang of langs) {
            for (const where of ['pottenberg', '']) {
                const what = `${lang} /public/${where}`;
                const resp = await page.goto(`${url}/public/${where}?lang=${lang}`,
                                             {waitUntil: 'networkidle0'});
                check(`${what}: 200`, resp.status() === 200);
                check(`${what}: <html lang="${lang}">`,
                      (await page.$eval('html', e => e.lang)) === lang);
                const dir = await page.$eval('html', e => getComputedStyle(e).direction);
                check(`${what}: ${lang === 'ar' ? 'right to left' : 'left to right'}`,
                      dir === (lang === 'ar' ? 'rtl' : 'ltr'), dir);
                const cards = await page.$$eval('section.card', s => s.length);
                check(`${what}: one card`, cards === 1, `${cards}`);
                const rows = await page.$$eval('section.card table tbody tr', r => r.length);
                check(`${what}: its table for screen readers has the three answers`, rows === 3);
                if (where === '') {
                    const places = await page.$$eval('section.card .place h3', h =>
                        h.map(e => e.textContent));
                    check(`${what}: nazareth and pottenberg side by side`,
                          places.join() === 'nazareth,pottenberg', places.join());
                }
                await page.evaluate(axeSource);
                const r = await page.evaluate(() => axe.run(document, {
                    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                                    'wcag22aa', 'best-practice']},
                }));
                const v = r.violations.map(x => `${x.id} (${x.nodes.length}): ${x.nodes[0].html}`);
                check(`${what}: axe finds no violations`, v.length === 0, v.join('; '));
                const wide = await page.evaluate(() =>
                    document.documentElement.scrollWidth - window.innerWidth);
                check(`${what}: nothing wider than the window`, wide <= 0, `${wide}px`);
                // a whole-page capture of a right-to-left page comes out shifted (chromium)
                await page.screenshot({path: path.join(outdir, `public-${where || 'all'}-${lang}.png`),
                                       fullPage: dir === 'ltr'});
            }
        }
        check('no request left the page\'s own origin', elsewhere.length === 0,
              elsewhere.join(' '));
        check('no cookie', (await page.cookies()).length === 0);
    } finally {
        await browser.close();
    }
    if (failures) {
        console.error(`${failures} browser checks failed`);
        process.exit(1);
    }
    console.log('public_browser: all checks passed');
}
main().catch(e => {
    console.error(`FAIL: ${e.stack || e}`);
    process.exit(1);
});
