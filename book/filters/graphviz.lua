-- graphviz.lua: ```dot blocks -> figures: inline SVG (HTML), SVG in the media bag (EPUB), PDF (LaTeX).
--
--   ```{.dot #fig-id caption="Text *with* Markdown"}     the block holds Graphviz source
--   ```{.dot file="figures/memmap.dot" caption="..."}    source read from a file (path
--   ```                                                  relative to where pandoc runs;
--                                                        build/... means the build
--                                                        directory, $BOOK_BUILD if set)
--   walk="build/figures/x.js" (HTML only)                after the figure, the interactive
--                                                        walk of the page table it draws
--                                                        (book/ptwalk.js, the data inline)
-- A Graphviz error stops the build with dot's own message.

local is_html = FORMAT:match('html') ~= nil
local is_epub = FORMAT:match('epub') ~= nil
local is_latex = FORMAT:match('latex') ~= nil or FORMAT:match('beamer') ~= nil

local count = 0

local function read_file(path)
  local f, err = io.open(path, 'rb')
  if not f then
    error('graphviz.lua: cannot read dot file: ' .. tostring(err))
  end
  local s = f:read('a')
  f:close()
  return s
end

local function caption_inlines(cb)
  local c = cb.attributes.caption
  if not c or c == '' then
    return {}
  end
  local doc = pandoc.read(c, 'markdown')
  if doc.blocks[1] and doc.blocks[1].content then
    return doc.blocks[1].content
  end
  return {}
end

local function run_dot(src, fmt, where)
  local ok, out = pcall(pandoc.pipe, 'dot', { '-T' .. fmt }, src)
  if not ok then
    error('graphviz.lua: dot failed on ' .. where .. ': ' .. tostring(out))
  end
  return out
end

function CodeBlock(cb)
  if not cb.classes:includes('dot') then
    return nil
  end
  count = count + 1
  local file = cb.attributes.file
  local src = cb.text
  if file and file ~= '' then
    local build = os.getenv('BOOK_BUILD')
    if build and build ~= '' and file:match('^build/') then
      file = build .. file:sub(6)          -- a figure made during this build
    end
    src = read_file(file)
  end
  local where = file or ('figure ' .. count .. ' (' .. (cb.identifier ~= '' and cb.identifier or 'no id') .. ')')
  local caption = caption_inlines(cb)
  local id = cb.identifier

  if is_html then
    local svg = run_dot(src, 'svg', where)
    svg = svg:gsub('^.-(<svg)', '%1')
    -- Graphviz names its groups node1, edge1...: make them unique on the page.
    local prefix = 'g' .. count .. '-'
    svg = svg:gsub(' id="', ' id="' .. prefix)
    -- wider than the text column (about 44rem, 530pt): mark it so CSS lets it out
    local w = tonumber(svg:match('^<svg[^>]-width="([%d.]+)pt"') or '0')
    local cls = w > 530 and 'graphviz wide' or 'graphviz'
    local blocks = { pandoc.RawBlock('html', '<figure class="' .. cls .. '"' ..
      (id ~= '' and (' id="' .. id .. '"') or '') .. '>\n' .. svg) }
    if #caption > 0 then
      local inl = { pandoc.RawInline('html', '<figcaption>') }
      for _, x in ipairs(caption) do
        inl[#inl + 1] = x
      end
      inl[#inl + 1] = pandoc.RawInline('html', '</figcaption>')
      blocks[#blocks + 1] = pandoc.Plain(inl)
    end
    blocks[#blocks + 1] = pandoc.RawBlock('html', '</figure>')
    -- walk="build/figures/NAME.js": the interactive walk of the dumped table
    -- the figure draws (book/ptwalk.js; its data inline, made by
    -- figures/ptdump2js.sh). Without JavaScript the div's own text stays.
    local walk = cb.attributes.walk
    if walk and walk ~= '' then
      local build = os.getenv('BOOK_BUILD')
      if build and build ~= '' and walk:match('^build/') then
        walk = build .. walk:sub(6)
      end
      local data = read_file(walk)
      local dump = data:match('PTWALK_DUMPS%["([%w_-]+)"%]')
      if not dump then
        error('graphviz.lua: ' .. walk .. ': no PTWALK_DUMPS["name"] in it (figures/ptdump2js.sh makes it)')
      end
      blocks[#blocks + 1] = pandoc.RawBlock('html',
        '<div class="ptwalk" data-dump="' .. dump .. '">\n<p>With JavaScript, this is where you can walk ' ..
        'the table above by hand: type a virtual address and follow the three entries the hardware reads.</p>\n' ..
        '</div>\n<script>\n' .. data .. '</script>\n<script src="ptwalk.js"></script>')
    end
    return blocks
  end

  local name, mime, data
  if is_epub then
    data = run_dot(src, 'svg', where)
    name, mime = 'fig-' .. pandoc.utils.sha1(src) .. '.svg', 'image/svg+xml'
  elseif is_latex then
    data = run_dot(src, 'pdf', where)
    name, mime = 'fig-' .. pandoc.utils.sha1(src) .. '.pdf', 'application/pdf'
  else
    return nil
  end
  pandoc.mediabag.insert(name, mime, data)
  -- A paragraph holding only an image titled "fig:" is a figure.
  return pandoc.Para({ pandoc.Image(caption, name, 'fig:', pandoc.Attr(id, { 'graphviz' })) })
end
