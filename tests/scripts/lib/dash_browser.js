// The dashboard in a real browser (Debian's chromium, headless, driven by puppeteer-core):
// sign-in, a wrong password, a forged CSRF token, throttling, every page with seeded data,
// keyboard focus, axe-core on every page, screenshots under OUTDIR.
// usage: NODE_PATH=.../node_modules node dash_browser.js URL OUTDIR
'use strict';
const puppeteer = require('puppeteer-core');
const fs = require('fs');
const path = require('path');

const [url, outdir] = process.argv.slice(2);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
let failures = 0;
function check(what, ok, detail) {
    if (ok) console.log(`ok   ${what}`);
    else {
        console.error(`FAIL: ${what}${detail ? `: ${detail}` : ''}`);
        failures++;
    }
}

async function axe(page, name) {
    // The dashboard's CSP forbids scripts; the page was opened with CSP bypassed for axe only.
    await page.evaluate(axeSource);
    const r = await page.evaluate(() =>
        axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa',
                                            'best-practice']},
        }));
    const v = r.violations.map(x => `${x.id} (${x.nodes.length}): ${x.nodes[0].html}`);
    check(`axe: no violations on ${name}`, v.length === 0, v.join('; '));
    await page.screenshot({path: path.join(outdir, `${name}.png`), fullPage: true});
}

async function open(page, p, name) {
    const resp = await page.goto(url + p, {waitUntil: 'load'});
    await axe(page, name);
    return resp;
}

async function submitLogin(page, user, password) {
    await page.type('#user', user);
    await page.type('#password', password);
    const [resp] = await Promise.all([page.waitForNavigation({waitUntil: 'load'}),
                                      page.click('button[type=submit]')]);
    return resp;
}

async function main() {
    const browser = await puppeteer.launch({
        executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage',
               '--proxy-server=direct://', '--proxy-bypass-list=*'],
    });
    try {
        const ctx = await browser.createBrowserContext();
        const page = await ctx.newPage();
        await page.setBypassCSP(true);
        // a Dutch browser (headless Chromium asks for en-US otherwise)
        await page.setExtraHTTPHeaders({'Accept-Language': 'nl-NL,nl;q=0.9,en;q=0.5'});
        await page.setViewport({width: 1280, height: 900});

        // axe itself finds a fault in a page made to have one (so "no violations" means something)
        await page.setContent('<html lang="nl"><head><title>t</title></head><body><main>' +
                              '<input id="x"></main></body></html>');
        await page.evaluate(axeSource);
        const self = await page.evaluate(() => axe.run(document, {runOnly: ['label']}));
        check('axe finds the unlabelled input of a faulty page', self.violations.length === 1);

        let r = await open(page, '/dash/login', 'login-nl');
        check('sign-in form answers 200', r.status() === 200);
        check('sign-in form is Dutch', (await page.$eval('html', e => e.lang)) === 'nl');

        // keyboard: the first Tab lands on the skip link, with a visible focus outline
        await page.keyboard.press('Tab');
        const focus = await page.evaluate(() => {
            const e = document.activeElement;
            const s = getComputedStyle(e);
            return {cls: e.className, outline: s.outlineStyle, width: s.outlineWidth,
                    left: e.getBoundingClientRect().left};
        });
        check('Tab reaches the skip link first, shown and outlined',
              focus.cls === 'skip' && focus.outline !== 'none' && focus.left >= 0,
              JSON.stringify(focus));

        r = await submitLogin(page, 'anna', 'not the password');
        check('a wrong password: 401', r.status() === 401);
        check('... says so', (await page.content()).includes('Onjuiste gebruikersnaam of wachtwoord'));
        await axe(page, 'login-wrong');

        await page.goto(url + '/dash/login', {waitUntil: 'load'});
        await page.$eval('input[name=csrf]', e => { e.value = 'f'.repeat(64); });
        r = await submitLogin(page, 'anna', 'correct horse battery');
        check('a forged CSRF token: 403', r.status() === 403);
        check('... no session', !(await page.cookies()).some(c => c.name === 'wp_session'));

        await page.goto(url + '/dash/login', {waitUntil: 'load'});
        r = await submitLogin(page, 'anna', 'correct horse battery');
        check('the right password: the kiosks page', r.status() === 200 &&
                                                          page.url().endsWith('/dash/kiosks'));
        const cookie = (await page.cookies()).find(c => c.name === 'wp_session');
        check('session cookie HttpOnly, SameSite=Strict',
              cookie && cookie.httpOnly && cookie.sameSite === 'Strict', JSON.stringify(cookie));
        await axe(page, 'kiosks-nl');
        const rows = await page.$$eval('tbody tr', t => t.map(r => r.innerText));
        check('kiosks: one row per kiosk (3)', rows.length === 3, rows.join(' | '));
        check('kiosks: n1 flagged for its clock',
              rows.some(r => r.startsWith('n1') && r.includes('klok niet gelijk')));

        await open(page, '/dash/kiosks?lang=en', 'kiosks-en');
        check('kiosks in English', (await page.$eval('h1', e => e.textContent)) === 'Kiosks' &&
                                       (await page.content()).includes('Last contact'));
        await open(page, '/dash/results', 'results-list');
        const link = await page.$('a[href^="/dash/results?set=peil"]');
        check('results: the question set is listed', link !== null);
        await Promise.all([page.waitForNavigation({waitUntil: 'load'}), link.click()]);
        await axe(page, 'results-peil');
        const text = await page.$eval('main', e => e.innerText);
        const svgText = await page.$$eval('svg text', t => t.map(e => e.textContent).join(' '));
        check('results: 9 never shown, in the text nor in the SVG',
              !/\b9\b/.test(text) && !/\b9\b/.test(svgText));
        check('results: "verborgen" in table and chart',
              text.includes('verborgen') && svgText.includes('verborgen'));
        check('results: three charts, three tables',
              (await page.$$('svg.chart')).length === 3 && (await page.$$('table')).length === 3);
        await page.select('#location', 'nazareth');
        await Promise.all([page.waitForNavigation({waitUntil: 'load'}),
                           page.click('fieldset button[type=submit]')]);
        check('filter form: location in the address', page.url().includes('location=nazareth'));
        await axe(page, 'results-nazareth');
        await open(page, '/dash/results?set=peil&lang=en&language=ar', 'results-ar-en');
        await open(page, '/dash/results?set=peil&lang=en', 'results-en');
        check('results in English', (await page.content()).includes('Counts below 10 are never shown'));

        // sign-out through the form (with its CSRF token): the session is gone
        await Promise.all([page.waitForNavigation({waitUntil: 'load'}),
                           page.click('header form button')]);
        check('sign-out: back at the sign-in form', page.url().includes('/dash/login'));
        r = await page.goto(url + '/dash/kiosks', {waitUntil: 'load'});
        check('... a page needs signing in again', page.url().includes('/dash/login'));

        // throttling: five wrong passwords for bert, then even the right one is refused
        for (let i = 0; i < 5; i++) {
            await page.goto(url + '/dash/login', {waitUntil: 'load'});
            await submitLogin(page, 'bert', `wrong password ${i}`);
        }
        await page.goto(url + '/dash/login', {waitUntil: 'load'});
        r = await submitLogin(page, 'bert', 'viewer password 1');
        check('throttled after five failures: 429', r.status() === 429);
        check('... says so', (await page.content()).includes('Te veel mislukte pogingen'));
        await axe(page, 'login-throttled');
    } finally {
        await browser.close();
    }
    if (failures) {
        console.error(`${failures} browser checks failed`);
        process.exit(1);
    }
    console.log('dash_browser: all checks passed');
}
main().catch(e => {
    console.error(`FAIL: ${e.stack || e}`);
    process.exit(1);
});
