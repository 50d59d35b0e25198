import type { FastifyReply } from 'fastify';

/**
 * Sends JSON text written by hand (pins/presenter.ts PinJsonWriter) as the route's schema
 * serializer would send the object: same content type, and Fastify sends a string as it is.
 */
export function sendJsonText(reply: FastifyReply, json: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(json);
}
