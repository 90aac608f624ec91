# Writes the manual pages with the built program: chorus(1) and chorus-COMMAND(1).
# cmake -DCHORUS=path/to/chorus -DOUT_DIR=dir "-DCOMMANDS=run;apply;..." -P chorus_man.cmake
cmake_minimum_required(VERSION 3.18)
file(MAKE_DIRECTORY ${OUT_DIR})

function(write_page name)
  execute_process(COMMAND ${CHORUS} help --man ${ARGN} OUTPUT_FILE ${OUT_DIR}/${name}.1.tmp
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "chorus help --man ${ARGN} failed (${rc})")
  endif()
  file(RENAME ${OUT_DIR}/${name}.1.tmp ${OUT_DIR}/${name}.1)
endfunction()

write_page(chorus)
foreach(cmd ${COMMANDS})
  write_page(chorus-${cmd} ${cmd})
endforeach()
