import { TodoReply } from '@perfcommons/contracts';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { myTodo } from './service';

export const todoRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  app.get('/todo', { schema: { tags: ['todo'], response: { 200: TodoReply } } }, async (req) =>
    myTodo(db, req.actor),
  );
};
