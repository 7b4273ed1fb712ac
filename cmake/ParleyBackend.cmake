# parley_add_backend: one call per backends/<name>/CMakeLists.txt.
#
#   parley_add_backend(<name>
#     SOURCES <the backend's .cpp files>
#     LIBS <what the backend links publicly: its client library>
#     [PRIVATE_LIBS <what only its sources need>]
#     [TESTS <the test program's sources: harness, *.test.cpp>]
#     [TEST_LIBS <extra libraries for the test program>]
#     [LABELS <ctest labels>]
#     [FAKE <the fake of a hosted service, e.g. fake/fake_slack.py>]
#     [FAULT])
#
# Builds the OBJECT library parley_backend_<name>, whose objects go straight
# into the programs that link `parley_backends` so the backend's
# self-registration is never dropped by the linker, and the test program
# parley_<name>_tests, its cases named `<name>.*` in ctest. FAULT: cases
# tagged [fault] kill and restart the shared server, so they run alone.
# FAKE: the tests find the fake program as PARLEY_<NAME>_FAKE and start it
# with tests/support/fake_service; the fake's own fake_behaviour_test.py
# beside it runs as `<name>.fake.behaviour`. A config/<name>.example.yaml is
# named to the tests as PARLEY_<NAME>_EXAMPLE, so they check it parses.
#
# Each backend has an option PARLEY_BACKEND_<NAME> (ON by default): OFF leaves
# it out of the build; the registry then lists only what is built, and the
# global property PARLEY_BACKENDS names what is.
function(parley_add_backend name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "FAULT" "FAKE"
                        "SOURCES;LIBS;PRIVATE_LIBS;TESTS;TEST_LIBS;LABELS")
  string(TOUPPER "${name}" upper)
  option(PARLEY_BACKEND_${upper} "Build the ${name} backend" ON)
  if(NOT PARLEY_BACKEND_${upper})
    message(STATUS "Backend ${name}: left out (PARLEY_BACKEND_${upper}=OFF)")
    return()
  endif()
  set_property(GLOBAL APPEND PROPERTY PARLEY_BACKENDS ${name})

  set(lib parley_backend_${name})
  add_library(${lib} OBJECT ${arg_SOURCES})
  target_link_libraries(${lib} PUBLIC parley_core ${arg_LIBS} PRIVATE ${arg_PRIVATE_LIBS})
  target_link_libraries(parley_backends INTERFACE ${lib})
  target_sources(parley_backends INTERFACE $<TARGET_OBJECTS:${lib}>)

  if(NOT BUILD_TESTING OR NOT arg_TESTS)
    return()
  endif()
  set(tests parley_${name}_tests)
  add_executable(${tests} ${arg_TESTS})
  target_link_libraries(${tests} PRIVATE ${lib} parley_conformance parley_test_support
                        Catch2::Catch2WithMain ${arg_TEST_LIBS})
  set(example ${PROJECT_SOURCE_DIR}/config/${name}.example.yaml)
  if(EXISTS ${example})
    target_compile_definitions(${tests} PRIVATE PARLEY_${upper}_EXAMPLE="${example}")
  endif()
  if(arg_FAKE)
    set(fake ${CMAKE_CURRENT_SOURCE_DIR}/${arg_FAKE})
    target_compile_definitions(${tests} PRIVATE PARLEY_${upper}_FAKE="${fake}")
    target_link_libraries(${tests} PRIVATE parley_fake_service)
    get_filename_component(fake_dir ${fake} DIRECTORY)
    add_test(NAME ${name}.fake.behaviour COMMAND /usr/bin/python3 ${fake_dir}/fake_behaviour_test.py)
  endif()
  set(labels)
  if(arg_LABELS)
    set(labels LABELS "${arg_LABELS}")
  endif()
  if(arg_FAULT)
    catch_discover_tests(${tests} TEST_SPEC "~[fault]" TEST_PREFIX "${name}."
                         PROPERTIES TIMEOUT 120 ${labels})
    catch_discover_tests(${tests} TEST_SPEC "[fault]" TEST_PREFIX "${name}."
                         PROPERTIES TIMEOUT 180 ${labels} RUN_SERIAL TRUE)
  else()
    catch_discover_tests(${tests} TEST_PREFIX "${name}." PROPERTIES TIMEOUT 120 ${labels})
  endif()
endfunction()
