// the task's code belongs in task.cpp
