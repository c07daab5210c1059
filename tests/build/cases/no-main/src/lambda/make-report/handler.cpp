// The file should be main.cpp.
