# Turns a text file (data/report/*: the HTML report's page, style and script) into a C++ raw
# string literal for a .cpp file to #include, so the binary needs no file at run time:
#
#   cmake -DINPUT=report.js -DOUTPUT=report.js.inc -P text_to_inc.cmake
#
# The text must not contain the literal's delimiter `)masq_text"`.
cmake_minimum_required(VERSION 3.22)
foreach(var INPUT OUTPUT)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "text_to_inc.cmake: -D${var}=... is required")
    endif()
endforeach()
file(READ "${INPUT}" text)
string(FIND "${text}" ")masq_text\"" at)
if(at GREATER_EQUAL 0)
    message(FATAL_ERROR "${INPUT}: contains the delimiter )masq_text\"")
endif()
file(WRITE "${OUTPUT}.tmp" "R\"masq_text(${text})masq_text\"\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
