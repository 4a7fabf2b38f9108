# Writes OUT, a C file holding the bytes of IN (assets/ui-strings.json) as
# coll_words_json / coll_words_json_len: the collector's built-in copy of the kiosk's words
# (coll_words.c), so that both speak from one file. Run by the build (cmake -P).
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" n)
math(EXPR len "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n"
       bytes "${bytes}")
file(WRITE "${OUT}.tmp"
     "/* Made by tools/collector/embed_strings.cmake from assets/ui-strings.json. */\n"
     "#include <stddef.h>\n"
     "extern const char coll_words_json[];\n"
     "extern const size_t coll_words_json_len;\n"
     "const char coll_words_json[] = {\n${bytes}0};\n"
     "const size_t coll_words_json_len = ${len};\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
