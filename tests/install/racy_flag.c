/* A C program for chansan-clang: two pthreads write one flag unguarded. */
#include <pthread.h>
#include <stdio.h>

int flag;

static void* set_flag(void* arg) {
  flag = (int)(long)arg; /* both threads: a data race */
  return NULL;
}

int main(void) {
  pthread_t a, b;
  pthread_create(&a, NULL, set_flag, (void*)1);
  pthread_create(&b, NULL, set_flag, (void*)2);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  printf("flag %s\n", flag == 1 || flag == 2 ? "done" : "lost");
  return 0;
}
