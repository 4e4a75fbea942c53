// A lesson's slide deck (built by hooks/slides.py from the lesson's page): one slide on the
// screen at a time. Right, Down, Space and Page Down go forward; Left, Up, Shift+Space and
// Page Up go back; Home and End go to the first and last slide. Slide N is at #N.
// Each section of the page starts a slide; a section too tall for the screen is split here,
// between blocks, list items, table rows or code lines, so the page itself never changes.
"use strict";

(async () => {
  const deck = document.getElementById("deck");
  const count = document.getElementById("count");
  if (window.mermaid) {
    window.mermaid.initialize({ startOnLoad: false });
    await window.mermaid.run({ querySelector: ".mermaid" });
  }
  // Pictures first too: a screenshot still loading has no height yet, and its slide would
  // overflow once it came in. One that fails to load is left out of the wait.
  await Promise.all([...deck.querySelectorAll("img")].map((img) => img.decode().catch(() => {})));
  const sources = [...deck.querySelectorAll(":scope > .source")];
  sources.forEach((source) => source.remove());
  let slides = [];
  let current = 0;

  const fits = (slide) =>
    slide.scrollHeight <= slide.clientHeight && slide.scrollWidth <= slide.clientWidth;

  function open(heading, index, continued) {
    const slide = document.createElement("section");
    slide.className = "slide";
    slide.dataset.source = index;
    const body = document.createElement("div");
    body.className = "md-typeset";
    if (heading) {
      const copy = heading.cloneNode(true);
      copy.classList.toggle("continued", continued);
      body.append(copy);
    }
    slide.append(body);
    deck.append(slide);
    slides.push(slide);
    return body;
  }

  // The code lines of a highlighted block, as positions just after each newline.
  function lineEnds(code) {
    const ends = [];
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = node.data.indexOf("\n"); i !== -1; i = node.data.indexOf("\n", i + 1)) {
        ends.push([node, i + 1]);
      }
    }
    const rest = (at) => {
      const range = document.createRange();
      range.setStart(...at);
      range.setEnd(code, code.childNodes.length);
      return range.toString().trim();
    };
    while (ends.length && !rest(ends[ends.length - 1])) ends.pop();
    return ends;
  }

  // A block cut in two after its first k units (code lines, list items, table rows, or
  // the blocks inside a list's only item): [units, cut]; null when it cannot be cut.
  function cutter(block) {
    if (block.matches(".highlight")) {
      const code = block.querySelector("pre > code");
      const ends = lineEnds(code);
      const piece = (from, to) => {
        const range = document.createRange();
        range.setStart(...(from || [code, 0]));
        range.setEnd(...(to || [code, code.childNodes.length]));
        const copy = block.cloneNode(true);
        copy.querySelector("pre > code").replaceChildren(range.cloneContents());
        return copy;
      };
      return ends.length ? [ends.length, (k) => [piece(null, ends[k - 1]), piece(ends[k - 1], null)]] : null;
    }
    const list = block.matches("ul, ol");
    const rows = list ? ":scope > li" : block.matches("table") ? ":scope > tbody > tr" : null;
    const items = rows ? [...block.querySelectorAll(rows)] : [];
    if (list && items.length === 1 && items[0].children.length > 1) {
      const parts = items[0].children.length;
      const keep = (from, to) => {
        const copy = block.cloneNode(true);
        const item = copy.querySelector(":scope > li");
        [...item.children].forEach((child, i) => (i < from || i >= to) && child.remove());
        if (from > 0) item.classList.add("continued");
        return copy;
      };
      return [parts - 1, (k) => [keep(0, k), keep(k, parts)]];
    }
    if (items.length < 2) return null;
    const keep = (from, to) => {
      const copy = block.cloneNode(true);
      [...copy.querySelectorAll(rows)].forEach((item, i) => (i < from || i >= to) && item.remove());
      if (block.matches("ol")) copy.start = (block.start || 1) + from;
      return copy;
    };
    return [items.length - 1, (k) => [keep(0, k), keep(k, items.length)]];
  }

  // Put one block that is too tall for a slide of its own on the slide, as well as it goes.
  function force(block, body, queue) {
    const cut = cutter(block);
    const slide = body.parentElement;
    if (cut) {
      const [units, split] = cut;
      let k = 1;
      for (; k < units; k++) {
        const [head] = split(k + 1);
        body.append(head);
        const ok = fits(slide);
        head.remove();
        if (!ok) break;
      }
      const [head, rest] = split(k);
      queue.unshift(head, rest);
      return;
    }
    body.append(block);
    for (let size = 90; size >= 60 && !fits(slide); size -= 10) block.style.fontSize = `${size}%`;
    if (!fits(slide)) {
      block.classList.add("trimmed");
      block.style.maxHeight = `${block.offsetHeight - (slide.scrollHeight - slide.clientHeight)}px`;
    }
  }

  function paginate() {
    slides.forEach((slide) => slide.remove());
    slides = [];
    sources.forEach((source, index) => {
      const first = source.firstElementChild;
      const heading = first && first.matches("h1, h2, h3") ? first : null;
      const queue = [...source.children].filter((child) => child !== heading).map((c) => c.cloneNode(true));
      let body = open(heading, index, false);
      const empty = () => body.children.length === (heading ? 1 : 0);
      while (queue.length) {
        const block = queue.shift();
        body.append(block);
        if (fits(body.parentElement)) continue;
        block.remove();
        const slide = body.parentElement;
        const room = slide.clientHeight - (body.offsetTop + body.offsetHeight);
        if (!empty() && cutter(block) && room > 0.3 * slide.clientHeight) {
          force(block, body, queue); // start a long listing here, go on on the next slide
        } else if (!empty()) {
          // A sentence that introduces the block ("...:") goes with it, if it is not alone.
          const carry = [block];
          const intro = body.lastElementChild;
          const leads = intro.matches("p") && intro.textContent.trim().endsWith(":");
          if (leads && body.children.length > (heading ? 2 : 1)) {
            intro.remove();
            carry.unshift(intro);
          }
          body = open(heading, index, true);
          queue.unshift(...carry);
        } else {
          force(block, body, queue);
        }
      }
    });
  }

  function show(i) {
    current = Math.max(0, Math.min(slides.length - 1, i));
    slides.forEach((slide, j) => slide.classList.toggle("current", j === current));
    count.textContent = `${current + 1} / ${slides.length}`;
    history.replaceState(null, "", `#${current + 1}`);
  }

  const fromHash = () => (parseInt(location.hash.slice(1), 10) || 1) - 1;
  paginate();
  show(fromHash());
  deck.dataset.slides = slides.length;

  const steps = { ArrowRight: 1, ArrowDown: 1, PageDown: 1, ArrowLeft: -1, ArrowUp: -1, PageUp: -1 };
  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    let target = null;
    if (event.key in steps) target = current + steps[event.key];
    else if (event.key === " ") target = current + (event.shiftKey ? -1 : 1);
    else if (event.key === "Home") target = 0;
    else if (event.key === "End") target = slides.length - 1;
    if (target === null) return;
    event.preventDefault();
    show(target);
  });
  for (const [id, step] of [["prev", -1], ["next", 1]]) {
    const button = document.getElementById(id);
    button.addEventListener("click", () => {
      show(current + step);
      button.blur();
    });
  }
  window.addEventListener("hashchange", () => show(fromHash()));
  let timer;
  window.addEventListener("resize", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const source = slides[current].dataset.source;
      paginate();
      show(slides.findIndex((slide) => slide.dataset.source === source));
      deck.dataset.slides = slides.length;
    }, 200);
  });
  deck.dataset.ready = "true";
})();
