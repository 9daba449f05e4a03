/**
 * The smallest Nest + Apollo app (express, code-first, one query field, no plugins, no
 * database): the framework's own ceiling for a trivial query on this machine, next to ours.
 * Started by api-bench.ts as a child process; prints "bare ready" once it listens on PORT.
 */
import 'reflect-metadata';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GraphQLModule, Query, Resolver } from '@nestjs/graphql';

@Resolver()
class PingResolver {
  @Query(() => String)
  ping(): string {
    return 'pong';
  }
}

@Module({
  imports: [
    GraphQLModule.forRoot<ApolloDriverConfig>({
      driver: ApolloDriver,
      path: '/graphql',
      autoSchemaFile: true,
      playground: false,
      graphiql: false,
    }),
  ],
  providers: [PingResolver],
})
class BareModule {}

const app = await NestFactory.create(BareModule, { logger: false });
await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
console.log('bare ready');
