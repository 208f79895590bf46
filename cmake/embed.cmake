# longnan_embed(TARGET_SOURCE_VAR NAME FILES...): generates a .cpp that defines
#   std::span<const core::EmbeddedFile> NAME()
# holding each file's base name and bytes, so the binary runs without the source tree.
function(longnan_embed out_var name)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${name}.cpp")
  string(JOIN "|" files ${ARGN})
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DNAME=${name} -DOUT=${out} "-DFILES=${files}"
            -P "${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake"
    DEPENDS ${ARGN} "${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake"
    COMMENT "Embedding ${name}"
    VERBATIM)
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()
