// The dashboard's comparisons (side by side, trend, cross-tab) in a real browser (Debian's
// chromium, headless, driven by puppeteer-core): signed in, reached from the results page with
// the keyboard, each view in Dutch and English checked by axe-core (WCAG 2.2 AA), the selectors
// used with the keyboard, a visible focus, 9 never shown in the text nor in the charts;
// screenshots under OUTDIR.
// usage: NODE_PATH=.../node_modules node views_browser.js URL OUTDIR USER PASSWORD
'use strict';
const puppeteer = require('puppeteer-core');
const fs = require('fs');
const path = require('path');

const [url, outdir, user, password] = process.argv.slice(2);
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

// The text of <main> and of the charts: no 9 as a number.
async function noNine(page, name) {
    const text = await page.$eval('main', e => e.innerText);
    const svg = await page.$$eval('svg text', t => t.map(e => e.textContent).join(' '));
    check(`${name}: 9 never shown, in the text nor in the SVG`,
          !/\b9\b/.test(text) && !/\b9\b/.test(svg));
    check(`${name}: at least one chart and one table`,
          (await page.$$('svg.chart')).length > 0 && (await page.$$('table')).length > 0);
}

// Presses Tab until the focused element matches sel (at most 60 times); its outline then.
async function tabTo(page, sel) {
    for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate(s => document.activeElement.matches(s), sel)) {
            return page.evaluate(() => {
                const s = getComputedStyle(document.activeElement);
                return {outline: s.outlineStyle, width: parseFloat(s.outlineWidth)};
            });
        }
    }
    return null;
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
        await page.setBypassCSP(true);
        await page.setExtraHTTPHeaders({'Accept-Language': 'nl-NL,nl;q=0.9,en;q=0.5'});
        await page.setViewport({width: 1280, height: 900});

        await page.goto(url + '/dash/login', {waitUntil: 'load'});
        await page.type('#user', user);
        await page.type('#password', password);
        await Promise.all([page.waitForNavigation({waitUntil: 'load'}),
                           page.click('button[type=submit]')]);
        check('signed in', page.url().endsWith('/dash/kiosks'));

        // from the results page to each view with the keyboard: Tab to its link, Enter
        const views = [['/dash/compare', 'compare'], ['/dash/trend', 'trend'],
                       ['/dash/crosstab', 'crosstab']];
        for (const [p, name] of views) {
            await page.goto(url + '/dash/results?set=peil', {waitUntil: 'load'});
            const focus = await tabTo(page, `nav.views a[href^="${p}?"]`);
            check(`results page: Tab reaches the link to ${name}, with a visible focus`,
                  focus && focus.outline !== 'none' && focus.width >= 2, JSON.stringify(focus));
            await Promise.all([page.waitForNavigation({waitUntil: 'load'}),
                               page.keyboard.press('Enter')]);
            check(`... Enter opens ${name}`, page.url().includes(`${p}?set=peil`), page.url());
            check(`... marked as the current view`,
                  await page.$eval('nav.views a[aria-current="page"]',
                                   (e, p) => e.getAttribute('href').startsWith(p), p));
            await axe(page, `${name}-nl`);
            await noNine(page, name);
        }

        // the trend's selectors with the keyboard: per week, in Pottenberg
        await page.goto(url + '/dash/trend?set=peil', {waitUntil: 'load'});
        await page.focus('#period');
        await page.keyboard.press('ArrowDown'); // month -> week
        await page.focus('#location');
        await page.keyboard.press('End'); // the last location: pottenberg
        await tabTo(page, 'fieldset button[type=submit]');
        await Promise.all([page.waitForNavigation({waitUntil: 'load'}),
                           page.keyboard.press('Enter')]);
        check('trend: the selectors by keyboard (per week, Pottenberg)',
              page.url().includes('period=week') && page.url().includes('location=pottenberg'),
              page.url());
        await axe(page, 'trend-week-pottenberg');
        await noNine(page, 'trend per week in Pottenberg');
        check('... a small chart per answer',
              (await page.$$('svg.chart.trend')).length === 3);

        const pages = [
            ['/dash/trend?set=peil&q=buurt&location=nazareth', 'trend-nazareth'],
            ['/dash/crosstab?set=peil&q=buurt&q2=fiets&location=pottenberg', 'crosstab-pottenberg'],
            ['/dash/crosstab?set=peil&q=zorgen&q2=cijfer', 'crosstab-multi-smiley'],
            ['/dash/crosstab?set=peil&q=score&q2=fiets', 'crosstab-scale-yesno'],
            ['/dash/compare?set=peil&lang=en', 'compare-en'],
            ['/dash/trend?set=peil&lang=en&q=buurt&period=week', 'trend-en'],
            ['/dash/crosstab?set=peil&lang=en', 'crosstab-en'],
        ];
        for (const [p, name] of pages) {
            const r = await page.goto(url + p, {waitUntil: 'load'});
            check(`${name}: 200`, r.status() === 200);
            await axe(page, name);
            await noNine(page, name);
        }
        check('English: the view and its tabs in English',
              (await page.$eval('h1', e => e.textContent)).startsWith('Cross-tab') &&
                  (await page.$eval('nav.views', e => e.innerText)).includes('Locations side by side'));
    } finally {
        await browser.close();
    }
    if (failures) {
        console.error(`${failures} browser checks failed`);
        process.exit(1);
    }
    console.log('views_browser: all checks passed');
}
main().catch(e => {
    console.error(`FAIL: ${e.stack || e}`);
    process.exit(1);
});
