# Build-time embedding of text files into C++ sources.

# darwaza_embed_file(OUT SYMBOL FILE): defines `std::string_view darwaza::embedded::SYMBOL()`.
function(darwaza_embed_file out symbol file)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DSYMBOL=${symbol} -DFILES=${file} -DMODE=file
            -P ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    DEPENDS ${file} ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    COMMENT "Embedding ${file}"
    VERBATIM)
endfunction()

# darwaza_embed_migrations(OUT SYMBOL FILES...): defines
# `std::span<const darwaza::storage::MigrationFile> darwaza::embedded::SYMBOL()`.
function(darwaza_embed_migrations out symbol)
  set(files ${ARGN})
  string(REPLACE ";" "|" joined "${files}")
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DSYMBOL=${symbol} "-DFILES=${joined}" -DMODE=migrations
            -P ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    DEPENDS ${files} ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    COMMENT "Embedding migrations into ${symbol}"
    VERBATIM)
endfunction()
