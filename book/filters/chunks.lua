-- chunks.lua: render nw2md's code chunks: highlighting, links inside code, chunk layout per format.
--
-- nw2md writes each chunk's code as a CodeBlock with class "chunkcode", its language
-- class, and two attributes listing where links go, as "LINE:COL:LEN:HREF" items
-- (1-based line, 0-based byte column, length in bytes):
--   refs  the "⟨name 1b⟩" chunk references, replaced by a link;
--   ids   identifiers, wrapped in a link to their definition.
-- and, for a chunk holding solution regions of a lab (labs/strip.c cuts them out for
-- the student edition), a third attribute of "FIRST:LAST:LAB:exN" items:
--   solutions  lines FIRST to LAST (1-based, inclusive), shaded and labelled.
-- HTML and EPUB: the block is highlighted by Pandoc itself (pandoc.write), then the
-- links are spliced into the highlighted HTML as real Link elements, so Pandoc's EPUB
-- writer rewrites them to its own chapter files. LaTeX: a highlighted Verbatim block
-- with chunk references typeset by \ChunkRef. Any other format: a plain CodeBlock.
-- HTML pages only (not the EPUB): a permalink (a pilcrow) on every h2, h3 and h4.

local is_html = FORMAT:match('html') ~= nil or FORMAT:match('epub') ~= nil
local is_latex = FORMAT:match('latex') ~= nil or FORMAT:match('beamer') ~= nil

local LANGLE, RANGLE = '\u{27E8}', '\u{27E9}'

local function parse_marks(s)
  local t = {}
  for line, col, len, href in (s or ''):gmatch('(%d+):(%d+):(%d+):(%S+)') do
    t[#t + 1] = { line = tonumber(line), col = tonumber(col), len = tonumber(len), href = href }
  end
  return t
end

local function split_lines(text)
  local lines = {}
  for l in (text .. '\n'):gmatch('(.-)\n') do
    lines[#lines + 1] = l
  end
  return lines
end

-- Replace bytes [col, col+len) of line with spaces.
local function blank(line, col, len)
  return line:sub(1, col) .. string.rep(' ', len) .. line:sub(col + len + 1)
end

-- "⟨name 1b⟩" -> name, tag
local function ref_parts(s)
  local inner = s:sub(#LANGLE + 1, #s - #RANGLE)
  local name, tag = inner:match('^(.*) (%S+)$')
  return name or inner, tag or ''
end

-- "FIRST:LAST:LAB:exN" items -> line -> { label = ..., first = bool, last = bool }
local function parse_solutions(s)
  local t = {}
  for first, last, lab, ex in (s or ''):gmatch('(%d+):(%d+):([%w_-]+):([%w_-]+)') do
    first, last = tonumber(first), tonumber(last)
    local label = 'Solution: ' .. lab:gsub('^lab(%d+)$', 'lab %1') .. ', '
      .. ex:gsub('^ex(%d+)$', 'exercise %1')
    for l = first, last do
      t[l] = { label = label, first = l == first, last = l == last }
    end
  end
  return t
end

local function language(cb)
  for _, c in ipairs(cb.classes) do
    if c ~= 'chunkcode' then
      return c
    end
  end
  return nil
end

local function html_escape(s)
  return (s:gsub('[&<>"]', { ['&'] = '&amp;', ['<'] = '&lt;', ['>'] = '&gt;', ['"'] = '&quot;' }))
end

-- Bytes of source text that an HTML character reference stands for.
local function entity_width(e)
  local num = e:match('^&#[xX](%x+);$')
  local cp = num and tonumber(num, 16) or tonumber(e:match('^&#(%d+);$') or '')
  if not cp then
    return 1
  end
  return cp < 0x80 and 1 or cp < 0x800 and 2 or cp < 0x10000 and 3 or 4
end

local function chunk_html(cb)
  local lang = language(cb)
  local lines = split_lines(cb.text)
  local refs, ids = parse_marks(cb.attributes.refs), parse_marks(cb.attributes.ids)
  local sols = parse_solutions(cb.attributes.solutions)
  local starts = {}
  for _, m in ipairs(ids) do
    m.kind = 'id'
    starts[m.line .. ':' .. m.col] = m
  end
  for _, m in ipairs(refs) do
    m.kind = 'ref'
    m.text = lines[m.line]:sub(m.col + 1, m.col + m.len)
    starts[m.line .. ':' .. m.col] = m
  end
  -- Highlight with the references blanked out, so a chunk name cannot confuse the lexer.
  local blanked = {}
  for i, l in ipairs(lines) do
    blanked[i] = l
  end
  for _, m in ipairs(refs) do
    blanked[m.line] = blank(blanked[m.line], m.col, m.len)
  end
  local plain = pandoc.CodeBlock(table.concat(blanked, '\n'), pandoc.Attr('', lang and { lang } or {}))
  local h = pandoc.write(pandoc.Pandoc({ plain }), 'html', { wrap_text = 'wrap-none' })
  -- Drop Pandoc's per-line anchors: every block would repeat the same ids.
  h = h:gsub('<a href="#[^"]*" aria%-hidden="true" tabindex="%-1"></a>', '')
  h = h:gsub('<span id="cb%d+%-%d+">', '<span>')
  h = h:gsub('^<div class="sourceCode" id="cb%d+">', '<div class="sourceCode">')

  local out, raw = {}, {}
  local function flush()
    if #raw > 0 then
      out[#out + 1] = pandoc.RawInline('html', table.concat(raw))
      raw = {}
    end
  end
  local link, linkbuf = nil, {}
  local function end_link_piece()
    if #linkbuf > 0 then
      flush()
      out[#out + 1] = pandoc.Link({ pandoc.RawInline('html', table.concat(linkbuf)) }, link.href, '',
        pandoc.Attr('', { 'id' }))
      linkbuf = {}
    end
  end

  local _, e = h:find('<code[^>]*>')
  if not e then
    return pandoc.RawBlock('html', h)
  end
  raw[1] = h:sub(1, e)
  local i, n = e + 1, #h
  local line, col, skip = 1, 0, 0
  while i <= n do
    local c = h:sub(i, i)
    if c == '<' then
      local j = h:find('>', i, true) or n
      local tag = h:sub(i, j)
      if tag == '</code>' then
        break
      end
      if link then
        end_link_piece()
      end
      local sol = tag == '<span>' and col == 0 and sols[line]
      if sol then   -- a line of a solution region: Pandoc's own span of the line
        tag = '<span class="solution' .. (sol.first and ' solfirst' or '') .. (sol.last and ' sollast' or '')
          .. '"' .. (sol.first and ' data-label="' .. html_escape(sol.label) .. '"' or '') .. '>'
      end
      raw[#raw + 1] = tag
      i = j + 1
    else
      local tok, width
      if c == '&' then
        local j = h:find(';', i, true) or i
        tok = h:sub(i, j)
        width = entity_width(tok)
        i = j + 1
      else
        tok, width = c, 1
        i = i + 1
      end
      if skip == 0 and not link then
        local m = starts[line .. ':' .. col]
        if m and m.kind == 'ref' then
          local name, tag = ref_parts(m.text)
          flush()
          out[#out + 1] = pandoc.Link({ pandoc.RawInline('html',
            LANGLE .. '<span class="refname">' .. html_escape(name) .. '</span> <span class="reftag">'
            .. html_escape(tag) .. '</span>' .. RANGLE) }, m.href, '', pandoc.Attr('', { 'chunkref' }))
          skip = m.len
        elseif m then
          link = { href = m.href, left = m.len }
        end
      end
      if skip > 0 then
        skip = skip - width
      elseif link then
        linkbuf[#linkbuf + 1] = tok
        link.left = link.left - width
        if link.left <= 0 then
          end_link_piece()
          link = nil
        end
      else
        raw[#raw + 1] = tok
      end
      if tok == '\n' then
        line, col = line + 1, 0
      else
        col = col + width
      end
    end
  end
  if link then
    end_link_piece()
  end
  raw[#raw + 1] = h:sub(i)
  flush()
  return pandoc.Plain(out)
end

-- A \label and \hypertarget name for anchor id: '-' becomes '.', since inside fancyvrb's
-- Verbatim (the code, where \ChunkRef links and gives pages) '-' is an active character:
-- a link to "chunk-walk" written there named no destination, and went to page 1.
local function latex_label(id)
  return (id:gsub('%-', '.'))
end

local function latex_verbatim_escape(s)
  return (s:gsub('[\\{}]', { ['\\'] = '\\textbackslash{}', ['{'] = '\\{', ['}'] = '\\}' }))
end

local function chunk_latex(cb)
  local lang = language(cb)
  local lines, orig = split_lines(cb.text), split_lines(cb.text)
  local refs = parse_marks(cb.attributes.refs)
  local whole = {}   -- line -> reference standing alone on it
  for _, m in ipairs(refs) do
    local l = lines[m.line]
    if l:sub(1, m.col):match('^%s*$') and l:sub(m.col + m.len + 1):match('^%s*$') then
      whole[m.line] = m
      -- a placeholder, not an empty line: Pandoc drops trailing empty lines
      lines[m.line] = string.rep(' ', m.col) .. 'x'

    end
  end
  local body = {}
  if lang then
    local plain = pandoc.CodeBlock(table.concat(lines, '\n'), pandoc.Attr('', { lang }))
    local t = pandoc.write(pandoc.Pandoc({ plain }), 'latex')
    local inside = t:match('\\begin{Highlighting}%[%]\n(.*)\n\\end{Highlighting}')
    if inside then
      body = split_lines(inside)
    end
  end
  if #body ~= #lines then   -- no highlighter for this language: escape it ourselves
    body = {}
    for k, l in ipairs(lines) do
      body[k] = latex_verbatim_escape(l)
    end
  end
  for k, m in pairs(whole) do
    local name, tag = ref_parts(orig[k]:sub(m.col + 1, m.col + m.len))
    local anchor = m.href:gsub('^[^#]*#', '')
    body[k] = string.rep(' ', m.col) .. '\\ChunkRef{' .. latex_label(anchor) .. '}{'
      .. latex_verbatim_escape(name) .. '}{' .. latex_verbatim_escape(tag) .. '}'
  end
  -- A solution region is a block of its own, shaded and labelled (latex-header.tex),
  -- between the parts of the chunk before and after it.
  local sols = parse_solutions(cb.attributes.solutions)
  local out, k = {}, 1
  while k <= #body do
    local sol, part = sols[k], {}
    repeat
      part[#part + 1] = body[k]
      k = k + 1
    until k > #body or (sols[k] ~= nil) ~= (sol ~= nil) or (sols[k] and sols[k].first)
    if sol then
      out[#out + 1] = '\\SolutionLabel{' .. latex_verbatim_escape(sol.label) .. '}\n\\begin{SolutionHighlighting}[]\n'
        .. table.concat(part, '\n') .. '\n\\end{SolutionHighlighting}'
    else
      out[#out + 1] = '\\begin{Shaded}\n\\begin{Highlighting}[]\n' .. table.concat(part, '\n')
        .. '\n\\end{Highlighting}\n\\end{Shaded}'
    end
  end
  return pandoc.RawBlock('latex', table.concat(out, '\n'))
end

local saw_code = false

function CodeBlock(cb)
  if not cb.classes:includes('chunkcode') then
    return nil
  end
  if is_html then
    return chunk_html(cb)
  elseif is_latex then
    saw_code = true
    return chunk_latex(cb)
  end
  local lang = language(cb)
  return pandoc.CodeBlock(cb.text, pandoc.Attr('', lang and { lang } or {}))
end

-- LaTeX: chunk parts become environments and macros defined in book/latex-header.tex.
local latex_spans = { chunktag = 'ChunkTag', chunkname = 'ChunkName', chunkdef = 'ChunkDef',
  chunkprev = 'ChunkNav', chunknext = 'ChunkNav' }

-- A chunk's tag ("4ab") as a link's whole text: the PDF gives its page after it, so
-- that a printed copy can be followed ("Used in 4aa p. 87"). Its target carries a
-- \label beside its \hypertarget (Div, below; identifiers' spans, here).
local function tag_target(el)
  if el.t ~= 'Link' or #el.content ~= 1 or el.content[1].t ~= 'Str'
      or el.classes:includes('chunktag') then   -- a chunk's own tag, on its own page
    return nil
  end
  local t = el.target:match('^#(chunk%-.*)$') or el.target:match('^#(id%-.*)$')
  if t and el.content[1].text:match('^%d+[a-z]+$') then return t end
  return nil
end

local function wrap_latex(el)
  if el.t == 'Span' and el.identifier:match('^id%-') and #el.content == 0 then
    return { el, pandoc.RawInline('latex', '\\label{' .. latex_label(el.identifier) .. '}') }
  end
  local t = tag_target(el)
  if t then
    return { el, pandoc.RawInline('latex', '\\ChunkPage{' .. latex_label(t) .. '}') }
  end
  for _, c in ipairs(el.classes) do
    local macro = latex_spans[c]
    if macro then
      return { pandoc.RawInline('latex', '\\' .. macro .. '{'), el, pandoc.RawInline('latex', '}') }
    end
  end
  return nil
end

local latex_divs = { chunk = 'chunk', chunkhead = 'chunkhead', chunkfoot = 'chunkfoot',
  answer = 'AnswerBox', exercise = 'ExerciseBox' }   -- answers to questions; a lab handout's exercises

local function Div(div)
  for _, c in ipairs(div.classes) do
    local env = latex_divs[c]
    if env then
      local blocks = { pandoc.RawBlock('latex', '\\begin{' .. env .. '}') }
      local target = c == 'chunk' and div.identifier ~= ''
      for _, b in ipairs(div.content) do
        if target and (b.t == 'Para' or b.t == 'Plain') then
          -- the chunk's anchor goes on its header line, not on a paragraph of its own
          b.content:insert(1, pandoc.RawInline('latex', '\\hypertarget{' .. div.identifier .. '}{}'
            .. '\\hypertarget{' .. latex_label(div.identifier) .. '}{}'
            .. '\\label{' .. latex_label(div.identifier) .. '}'))
          target = false
        end
        blocks[#blocks + 1] = b
      end
      blocks[#blocks + 1] = pandoc.RawBlock('latex', '\\end{' .. env .. '}')
      return blocks
    end
  end
  return nil
end

-- Chapter headings carry their number as a span (for HTML and EPUB); LaTeX numbers
-- chapters itself, so drop the span and set the counter to the file's number.
local function Header(h)
  if h.level ~= 1 then
    return nil
  end
  h.content = h.content:filter(function(i)
    return not (i.t == 'Span' and i.classes:includes('chapnum'))
  end)
  while h.content[1] and h.content[1].t == 'Space' do
    h.content:remove(1)
  end
  local n = tonumber(h.attributes.chapter or '')
  if n and n > 0 and not h.classes:includes('unnumbered') then
    return { pandoc.RawBlock('latex', '\\setcounter{chapter}{' .. (n - 1) .. '}'), h }
  end
  -- An unnumbered chapter (\chapter*) sets no running head: give it its title,
  -- or its pages would carry the previous one (the contents').
  local title = pandoc.write(pandoc.Pandoc({ pandoc.Plain(h.content) }), 'latex'):gsub('%s+$', '')
  return { h, pandoc.RawBlock('latex', '\\markboth{\\MakeUppercase{' .. title .. '}}{\\MakeUppercase{' .. title .. '}}') }
end

-- Pandoc defines the highlighting macros only when it highlights a block itself:
-- give it one, inside \iffalse, so the raw blocks above can use them.
-- The indexes of chunks and identifiers: two columns in print (multicol).
local index_ids = { ['index-chunks'] = true, ['index-identifiers'] = true }
local function Pandoc(doc)
  local blocks = pandoc.List()
  local i = 1
  while i <= #doc.blocks do
    local b = doc.blocks[i]
    blocks:insert(b)
    local nxt = doc.blocks[i + 1]
    if b.t == 'Header' and index_ids[b.identifier] and nxt and nxt.t == 'BulletList' then
      blocks:insert(pandoc.RawBlock('latex', '\\begin{multicols}{2}\\small'))
      blocks:insert(nxt)
      blocks:insert(pandoc.RawBlock('latex', '\\end{multicols}'))
      i = i + 1
    end
    i = i + 1
  end
  doc.blocks = blocks
  if saw_code then
    doc.blocks:insert(pandoc.RawBlock('latex', '\\iffalse'))
    doc.blocks:insert(pandoc.CodeBlock('x', pandoc.Attr('', { 'c' })))
    doc.blocks:insert(pandoc.RawBlock('latex', '\\fi'))
  end
  return doc
end

-- Prose for one edition (labs/strip.c): the book is the instructor's edition, so a
-- "::: instructor" block is plain prose here and a "::: student" block is left out;
-- the stripper does the opposite for the lab handout, which never reaches this with
-- either fence.
local function Edition(div)
  if div.classes:includes('student') then
    return {}
  elseif div.classes:includes('instructor') then
    return div.content
  end
  return nil
end

if is_latex then
  return {
    { Div = Edition },
    { CodeBlock = CodeBlock },
    { Span = wrap_latex, Link = wrap_latex, Div = Div, Header = Header, Pandoc = Pandoc },
  }
end
-- A page of the HTML site (not the EPUB): a permalink after each h2, h3 and h4 with an id,
-- shown on hover and focus (style.css).
local function Permalink(h)
  if h.level < 2 or h.level > 4 or h.identifier == '' then
    return nil
  end
  h.content:insert(pandoc.RawInline('html', ' <a class="permalink" href="#' .. html_escape(h.identifier)
    .. '" aria-label="Link to this section">&para;</a>'))
  return h
end

if FORMAT == 'html' or FORMAT == 'html5' or FORMAT == 'html4' then
  return { { Div = Edition }, { CodeBlock = CodeBlock, Header = Permalink } }
end
return { { Div = Edition }, { CodeBlock = CodeBlock } }
